"""``python -m solver.sweep STUDY.toml --out DIR`` (the ``interphase sweep`` command)."""

import sys

from .cli import main

sys.exit(main())
