"""Re-measure the golden numbers of named cases (keeping keys and tolerances).

Usage: ``python tests/regression/regenerate.py CASE.toml ...`` after a deliberate change of a
case or of the physics; review the diff of golden.json before committing it.
"""

import json
import sys
import tempfile
from pathlib import Path

from mpi4py import MPI

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from test_cases import GOLDEN, lookup  # noqa: E402

from helpers import CASES  # noqa: E402
from solver.case import load_case  # noqa: E402
from solver.studies.runner import run_case  # noqa: E402


def main(names: list[str]) -> None:
    for name in names:
        case = load_case(CASES / name, GOLDEN[name].get("sets", []))
        with tempfile.TemporaryDirectory() as tmp:
            summary = run_case(case, Path(tmp), MPI.COMM_WORLD, command=["regenerate", name])
        for key, (old, rtol) in GOLDEN[name]["expect"].items():
            new = lookup(summary, key)
            GOLDEN[name]["expect"][key] = [new, rtol]
            print(f"{name} {key}: {old!r} -> {new!r}")
    (HERE / "golden.json").write_text(json.dumps(GOLDEN, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
