"""Run a sweep under MPI: groups of ranks take points from a shared queue until none is left.

``MPI_COMM_WORLD`` is split into groups of ``ranks_per_point`` ranks (leftover ranks idle).
The first rank of each group claims the next unfinished point (an O_EXCL claim file in the
store, so groups need no coordinator and a dead rank blocks nobody), broadcasts it to its
group, and the group runs it with :func:`solver.studies.runner.run_case` on the group's
communicator. Each point builds its own device problem (mesh, coefficients, solvers); the
compiled forms come from the DOLFINx JIT cache, so only the first points of a process compile
anything. A point that fails is recorded with its reason and the group goes on.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import socket
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mpi4py import MPI

from ..case import load_case
from ..errors import ConvergenceError, InterphaseError
from ..numerics.newton import reason_name
from ..results.atomic import write_json
from ..results.provenance import git_commit, provenance
from ..studies.runner import run_case
from .mpiutil import on_root, sigterm_note, sleepy_barrier
from .progress import SweepProgress, rank_logging, terminal
from .shard import Shard, check_layout, layout_lock, shard_dir
from .store import Claimer, Store, utc_now
from .study import Study, check_points, load_study
from .table import build_table, select_outputs, write_table_csv, write_table_h5

log = logging.getLogger("solver.sweep")
plog = logging.getLogger("solver.sweep.point")  # per-point lines: rank logs only


@dataclass
class SweepOutcome:
    """What a run achieved (the same on every rank).

    Attributes:
        total: Points in the study.
        counts: Finished points by status ('ok', 'incomplete', 'failed').
        ran: Points computed by this run.
        seconds: Wall time of this run's point phase (claims to last record).
        table: Path of the CSV table.
    """

    total: int
    counts: dict[str, int]
    ran: int
    seconds: float
    table: Path

    @property
    def exit_code(self) -> int:
        """0 if every point is ok, else 3 (the CLI's solver-error code)."""
        return 0 if self.counts.get("ok", 0) == self.total else 3


def run_sweep(study_file: str | Path, out: str | Path, *, restart: bool = False,
              comm: MPI.Comm = MPI.COMM_WORLD, petsc_options: dict[str, str] | None = None,
              command: list[str] | None = None, verbose: bool = False,
              log_every: float = 10.0, shard: Shard | None = None) -> SweepOutcome:
    """Run (or resume) the parameter study ``study_file`` with results in ``out``.

    Collective on ``comm``. Finished points of an earlier run of the same study are kept;
    unfinished ones are (re)done. At the end rank 0 writes ``table.csv`` and ``table.h5``.
    With ``shard`` only that shard's points run, in the sweep folder ``out/shard-K-of-N``
    (merge the shards with :func:`solver.sweep.collect.collect`).

    Args:
        study_file: Study file (TOML).
        out: Results folder.
        restart: Discard the folder's results first (needed when the study changed).
        comm: World communicator to split into groups.
        petsc_options: Extra PETSc options for every point.
        command: Command line for the provenance records.
        verbose: Debug logging in the rank logs.
        log_every: Batch mode: seconds between progress lines.
        shard: Run only this shard of the points (``--shard K/N``).

    Returns:
        The outcome.

    Raises:
        CaseError: Invalid study, a swept key or value the case rejects, or ``out`` holds
            another study (without ``restart``), or mixes sharded and unsharded results;
            raised on every rank.
    """
    store = Store(shard_dir(out, shard) if shard else out)
    try:
        setup = on_root(comm, lambda: _prepare(study_file, store, restart, out, shard))
        study, manifest, run_id, pending = setup
        with rank_logging(store.log_path(comm.rank), comm.rank, verbose) as logfile, \
                sigterm_note(store.root):
            return _run(study, manifest, run_id, pending, store, comm, logfile,
                        petsc_options, command, log_every)
    finally:
        store.close()


def _prepare(study_file: str | Path, store: Store, restart: bool, out: str | Path,
             shard: Shard | None) -> tuple:
    study = load_study(study_file)
    check_points(study)
    with layout_lock(out):  # the layout check and the new manifest, as one step
        check_layout(out, shard)
        manifest = store.open(study, restart, shard)
    if shard and not manifest["points"]:
        log.warning("%s has no points: the study has only %d", shard.name, len(study.points))
    done = store.finished(manifest)
    pending = [p["id"] for p in manifest["points"] if p["id"] not in done]
    if done:
        now = git_commit()
        if manifest.get("git_commit") != now:
            log.warning("the interphase code changed since this sweep started (%s, now %s): "
                        "its %d finished points are kept (--restart recomputes them)",
                        manifest.get("git_commit"), now, len(done))
    run_id = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
    store.new_run(run_id)
    store.remove_temporaries()
    for pid in pending:
        store.clear_point(pid)
    return study, manifest, run_id, pending


def _run(study: Study, manifest: dict, run_id: str, pending: list[str], store: Store,
         comm: MPI.Comm, logfile, petsc_options, command, log_every: float) -> SweepOutcome:
    t0, started = time.perf_counter(), utc_now()
    size, rpp = comm.size, study.ranks_per_point
    n_groups = max(size // rpp, 1)
    color = min(comm.rank // rpp, n_groups - 1) if size >= rpp else 0
    if size >= rpp and comm.rank >= n_groups * rpp:
        color = MPI.UNDEFINED
    group = comm.Split(color, comm.rank)
    ids = [p["id"] for p in manifest["points"]]
    progress = None
    if comm.rank == 0:
        part = Shard.from_dict(manifest.get("shard"))
        log.info("sweep %s%s: %d points (%d finished, %d to run) on %d group(s) of %d rank(s); "
                 "results in %s", study.path,
                 f" {part.name} (of {len(study.points)} points)" if part else "", len(ids),
                 len(ids) - len(pending), len(pending), n_groups, min(rpp, size), store.root)
        if size < rpp:
            log.warning("ranks_per_point = %d but only %d MPI ranks: points run on %d",
                        rpp, size, size)
        elif size % rpp:
            log.warning("%d rank(s) idle: %d ranks are not a multiple of ranks_per_point = %d",
                        size % rpp, size, rpp)
        progress = SweepProgress(store.records, ids, set(ids) - set(pending),
                                 terminal(), log_every=log_every).start()
    points = {p["id"]: p for p in manifest["points"]}
    ran = 0
    if group != MPI.COMM_NULL:
        holder = {"group": color, "world_ranks": list(range(color * rpp, color * rpp
                                                            + group.size)),
                  "host": socket.gethostname(), "pid": os.getpid(), "run": run_id}
        claimer = Claimer(store, run_id, pending, holder) if group.rank == 0 else None
        while True:
            pid = group.bcast(claimer.next() if claimer else None, root=0)
            if pid is None:
                break
            record = run_point(study, manifest, points[pid], store, group, logfile,
                               petsc_options, command, color)
            if group.rank == 0:
                store.write_record(record)
                ran += 1
        group.Free()
    sleepy_barrier(comm)
    seconds = time.perf_counter() - t0
    if progress:
        progress.stop()
    summary = _finish(study, manifest, store, comm, run_id, started, seconds) \
        if comm.rank == 0 else None
    counts = comm.bcast(summary, root=0)
    return SweepOutcome(total=len(ids), counts=counts, ran=comm.allreduce(ran, op=MPI.SUM),
                        seconds=seconds, table=store.root / "table.csv")


def run_point(study: Study, manifest: dict, point: dict, store: Store, group: MPI.Comm,
              logfile, petsc_options: dict[str, str] | None, command: list[str] | None,
              group_id: int) -> dict[str, Any]:
    """Run one point on ``group`` and return its record (complete on the group's rank 0).

    Never raises for a failing point: non-convergence, a case the point's values make invalid
    and unexpected errors become a 'failed' record with the reason.
    """
    pid = point["id"]
    t0, started, epoch = time.perf_counter(), utc_now(), time.time()
    plog.info("%s start: %s", pid, " ".join(point["sets"]))
    rec: dict[str, Any] = {"id": pid, "study_sha256": manifest["study_sha256"],
                           "inputs": point["inputs"], "sets": study.sets(point["inputs"]),
                           "status": "failed", "reason": None, "petsc_reason": None,
                           "petsc_reason_code": None, "outputs": {}, "n_ranks": group.size}
    case_hash = None
    try:
        with contextlib.redirect_stderr(logfile):
            case = load_case(study.case_path, rec["sets"])
            case_hash = case.source_hash
            summary = run_case(case, store.point_dir(pid), group, petsc_options,
                               command=command)
        problems = [p for e in summary.get("per_temperature", [summary])
                    for p in e.get("problems", [])]
        rec["status"] = "ok" if summary.get("status") == "ok" else "incomplete"
        rec["reason"] = "; ".join(problems) or None
        rec["outputs"] = select_outputs(summary, study.outputs)
        rec["provenance"] = summary.get("provenance")
    except ConvergenceError as exc:
        rec.update(reason=str(exc), petsc_reason=reason_name(exc.reason),
                   petsc_reason_code=exc.reason)
    except InterphaseError as exc:
        rec["reason"] = str(exc)
    except Exception as exc:
        rec["reason"] = f"{type(exc).__name__}: {exc}".replace("\n", " ")
        plog.error("%s: unexpected error\n%s", pid, traceback.format_exc())
    wall = time.perf_counter() - t0
    if rec["status"] == "failed" and group.rank == 0:
        rec["provenance"] = provenance(case_hash or "", group.size, wall, command)
    rec["timings"] = {"wall_s": round(wall, 4), "started_utc": started,
                      "finished_utc": utc_now(), "started_unix_s": round(epoch, 3)}
    rec["worker"] = {"group": group_id, "host": socket.gethostname(), "pid": os.getpid()}
    plog.info("%s %s in %.2f s%s", pid, rec["status"], wall,
              f": {rec['reason']}" if rec["reason"] else "")
    return rec


def _finish(study: Study, manifest: dict, store: Store, comm: MPI.Comm, run_id: str,
            started: str, seconds: float) -> dict[str, int]:
    records = store.finished(manifest)
    counts = {s: sum(r["status"] == s for r in records.values())
              for s in ("ok", "incomplete", "failed")}
    total = len(manifest["points"])
    if len(records) == total:
        columns, rows = build_table(manifest, records)
        write_table_csv(store.root / "table.csv", columns, rows)
        write_table_h5(store.root / "table.h5", columns, rows,
                       {"study_sha256": manifest["study_sha256"],
                        "study_file": manifest["study_file"]})
    write_json(store.root / "runs" / f"{run_id}.json",
               {"run": run_id, "started_utc": started, "finished_utc": utc_now(),
                "mpi_size": comm.size, "ranks_per_point": study.ranks_per_point,
                "seconds": round(seconds, 3), "finished_points": len(records), "total": total,
                **counts})
    log.info("sweep finished: %d/%d points (%d ok, %d incomplete, %d failed) in %.1f s; "
             "table %s", len(records), total, counts["ok"], counts["incomplete"],
             counts["failed"], seconds, store.root / "table.csv")
    return counts
