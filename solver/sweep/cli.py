"""The ``sweep`` command: ``interphase sweep STUDY.toml --out DIR [--restart]``, and more.

``--shard K/N`` runs one shard (one task of a job array), ``--collect`` merges the shards and
``--status DIR`` reports a sweep folder.

:func:`add_sweep_parser` adds the sub-command to the ``interphase`` parser and
:func:`sweep_command` runs it; :func:`main` is the same command on its own
(``python -m solver.sweep``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..errors import EXIT_USER, InterphaseError
from ..reporting import run_reporting


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the sweep's arguments to ``p``."""
    p.add_argument("study", nargs="?", help="study file (TOML)")
    p.add_argument("--out", help="results folder (default results/<study name>)")
    p.add_argument("--restart", action="store_true",
                   help="discard the folder's results and start again (needed when the study "
                   "or case file changed)")
    p.add_argument("--status", nargs="?", const=True, metavar="DIR",
                   help="show done / failed / pending points of a sweep folder (all shards of "
                   "a sharded one) and exit")
    p.add_argument("--shard", metavar="K/N",
                   help="run only the points i with i %% N == K, in DIR/shard-K-of-N (one job "
                   "of a job array: --shard $SLURM_ARRAY_TASK_ID/N)")
    p.add_argument("--collect", action="store_true",
                   help="merge the shards in DIR into DIR/table.csv and table.h5 (after every "
                   "array task finished)")
    p.add_argument("--petsc", default="", help='PETSc options for every point')


def add_sweep_parser(sub) -> argparse.ArgumentParser:
    """Add ``sweep`` to the sub-parsers ``sub`` of the ``interphase`` parser."""
    s = sub.add_parser("sweep", help="run a parameter study (grid, list or sample of case keys)")
    add_arguments(s)
    s.set_defaults(func=sweep_command)
    return s


def sweep_command(args: argparse.Namespace) -> int:
    """Run ``interphase sweep`` from parsed arguments; returns the exit code.

    0: every point ok (or ``--status``); 3: some points failed, are incomplete or (with
    ``--collect``) pending. User errors (bad study file or ``--shard``, changed study without
    ``--restart``, shards of another study) raise :class:`InterphaseError`.
    """
    from .shard import parse_shard, shard_dir

    shard = parse_shard(args.shard) if getattr(args, "shard", None) is not None else None
    collecting = getattr(args, "collect", False)
    if args.status:
        out = args.status if isinstance(args.status, str) else args.out
        if not out:
            raise InterphaseError("sweep --status: give the results folder (--status DIR)")
        from .overview import format_status

        print(format_status(shard_dir(out, shard) if shard else out))
        return 0
    if not args.study:
        raise InterphaseError("sweep: give a study file (or --status DIR)")
    out = Path(args.out) if args.out else Path("results") / Path(args.study).stem
    if collecting:
        if shard or args.restart:
            raise InterphaseError("sweep --collect takes neither --shard nor --restart (it "
                                  "only merges the shard folders of DIR)")
        return _collect(args.study, out)
    from mpi4py import MPI

    from ..numerics.options import parse_petsc
    from .runner import run_sweep

    outcome = run_sweep(args.study, out, restart=args.restart,
                        petsc_options=parse_petsc(args.petsc), command=sys.argv,
                        verbose=getattr(args, "verbose", False), shard=shard)
    if MPI.COMM_WORLD.rank == 0:
        c = outcome.counts
        part = f" ({shard.name})" if shard else ""
        print(f"{args.study}{part}: {outcome.total} points, {c['ok']} ok, {c['incomplete']} "
              f"incomplete, {c['failed']} failed ({outcome.ran} run now, "
              f"{outcome.seconds:.1f} s); table {outcome.table}")
        if shard:
            print(f"when every shard finished: interphase sweep {args.study} --out {out} "
                  "--collect")
    return outcome.exit_code


def _collect(study: str, out: Path) -> int:
    """``--collect``: merge the shards on one process (other MPI ranks, if any, only wait)."""
    from .collect import collect

    comm = sys.modules["mpi4py.MPI"].COMM_WORLD if "mpi4py.MPI" in sys.modules else None
    if comm is not None and comm.rank != 0:
        return comm.bcast(None, root=0)
    try:
        res = collect(study, out)
    except BaseException:
        if comm is not None:
            comm.bcast(EXIT_USER, root=0)
        raise
    c = res.counts
    print(f"{study}: {res.total} points in {len(res.shards)} shards, {c['ok']} ok, "
          f"{c['incomplete']} incomplete, {c['failed']} failed, {c['pending']} pending; "
          f"table {res.table}")
    if res.unfinished:
        print(f"not finished: {', '.join(res.unfinished)} (re-run those array tasks, then "
              "--collect again)")
    return comm.bcast(res.exit_code, root=0) if comm is not None else res.exit_code


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
    return run_reporting(sweep_command, args, rank=rank,
                         log_dir=lambda: Path(args.out) if args.out and Path(args.out).is_dir()
                         else None)
