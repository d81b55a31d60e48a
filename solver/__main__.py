"""``python -m solver`` is the ``interphase`` command."""

import sys

from .cli import main

sys.exit(main())
