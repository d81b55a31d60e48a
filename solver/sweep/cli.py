"""The ``sweep`` command: ``interphase sweep STUDY.toml --out DIR [--restart]``, ``--status DIR``.

:func:`add_sweep_parser` adds the sub-command to the ``interphase`` parser and
:func:`sweep_command` runs it; :func:`main` is the same command on its own
(``python -m solver.sweep``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..errors import ConvergenceError, InterphaseError

EXIT_USER, EXIT_SOLVER = 2, 3


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the sweep's arguments to ``p``."""
    p.add_argument("study", nargs="?", help="study file (TOML)")
    p.add_argument("--out", help="results folder (default results/<study name>)")
    p.add_argument("--restart", action="store_true",
                   help="discard the folder's results and start again (needed when the study "
                   "or case file changed)")
    p.add_argument("--status", nargs="?", const=True, metavar="DIR",
                   help="show done / failed / pending points of a sweep folder and exit")
    p.add_argument("--petsc", default="", help='PETSc options for every point')


def add_sweep_parser(sub) -> argparse.ArgumentParser:
    """Add ``sweep`` to the sub-parsers ``sub`` of the ``interphase`` parser."""
    s = sub.add_parser("sweep", help="run a parameter study (grid, list or sample of case keys)")
    add_arguments(s)
    s.set_defaults(func=sweep_command)
    return s


def sweep_command(args: argparse.Namespace) -> int:
    """Run ``interphase sweep`` from parsed arguments; returns the exit code.

    0: every point ok (or ``--status``); 3: some points failed or are incomplete. User errors
    (bad study file, changed study without ``--restart``) raise :class:`InterphaseError`.
    """
    if args.status:
        out = args.status if isinstance(args.status, str) else args.out
        if not out:
            raise InterphaseError("sweep --status: give the results folder (--status DIR)")
        from .status import format_status

        print(format_status(out))
        return 0
    if not args.study:
        raise InterphaseError("sweep: give a study file (or --status DIR)")
    from mpi4py import MPI

    from ..cli import parse_petsc
    from .runner import run_sweep

    out = Path(args.out) if args.out else Path("results") / Path(args.study).stem
    outcome = run_sweep(args.study, out, restart=args.restart,
                        petsc_options=parse_petsc(args.petsc), command=sys.argv,
                        verbose=getattr(args, "verbose", False))
    if MPI.COMM_WORLD.rank == 0:
        c = outcome.counts
        print(f"{args.study}: {outcome.total} points, {c['ok']} ok, {c['incomplete']} "
              f"incomplete, {c['failed']} failed ({outcome.ran} run now, "
              f"{outcome.seconds:.1f} s); table {outcome.table}")
    return outcome.exit_code


def main(argv: list[str] | None = None) -> int:
    """``python -m solver.sweep``: the sweep command without the rest of the CLI."""
    p = argparse.ArgumentParser(prog="python -m solver.sweep", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    add_arguments(p)
    argv = list(sys.argv[1:] if argv is None else argv)
    for i in range(len(argv) - 1):  # let `--petsc "-snes_monitor"` through
        if argv[i] == "--petsc":
            argv[i:i + 2] = [f"--petsc={argv[i + 1]}", ""]
    args = p.parse_args([a for a in argv if a != ""])
    rank = 0
    if not args.status:
        from mpi4py import MPI

        rank = MPI.COMM_WORLD.rank
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    ours = logging.getLogger("solver")
    ours.handlers, ours.propagate = [handler], False
    ours.setLevel(logging.INFO if rank == 0 else logging.WARNING)
    logging.getLogger().handlers = [logging.StreamHandler(sys.stderr)]
    logging.getLogger().handlers[0].setLevel(logging.WARNING)
    try:
        return sweep_command(args)
    except ConvergenceError as exc:  # pragma: no cover - points catch their own
        if rank == 0:
            print(f"interphase: solver error: {exc}", file=sys.stderr)
        return EXIT_SOLVER
    except InterphaseError as exc:
        if rank == 0:
            print(f"interphase: error: {exc}", file=sys.stderr)
        return EXIT_USER
