"""Merge the shards of a job array: ``interphase sweep STUDY --out DIR --collect``; their status.

:func:`collect` reads the records of every ``DIR/shard-K-of-N`` folder (see
:mod:`solver.sweep.shard`), checks that every shard ran this study (same study hash), and writes
``DIR/table.csv`` and ``DIR/table.h5`` with one row per point of the whole study, in point
order; points of shards that did not run (or did not finish) are rows with status ``pending``.
``DIR/shards.json`` records what was merged. :func:`format_sharded_status` is ``--status DIR``
of a sharded sweep. Neither needs MPI or DOLFINx, and both are safe while shards are running
(records are written atomically).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CaseError
from ..results.atomic import write_json
from .points import point_ids
from .shard import Shard, find_shards, split_count
from .status import problem_lines, status_counts
from .store import Store, utc_now
from .study import load_study
from .table import build_table, write_table_csv, write_table_h5

STATES = ("ok", "incomplete", "failed", "pending")


@dataclass
class ShardState:
    """One shard of a split as found on disk.

    Attributes:
        shard: The shard.
        ids: Ids of its points (from the study's point count).
        path: Its folder, or None if it does not exist.
        status: :func:`status_counts` of the folder, or None if the shard never started.
        problem: Why its results do not belong to the study (None if they do).
    """

    shard: Shard
    ids: list[str]
    path: Path | None = None
    status: dict[str, Any] | None = None
    problem: str | None = None

    def count(self, state: str) -> int:
        """Points of the shard in ``state`` (unusable shards count as all pending)."""
        if self.status is None or self.problem:
            return len(self.ids) if state == "pending" else 0
        return len(self.status[state])


@dataclass
class CollectOutcome:
    """What ``--collect`` merged.

    Attributes:
        total: Points of the study.
        counts: Points by state ('ok', 'incomplete', 'failed', 'pending').
        shards: State of every shard of the split.
        table: Path of the CSV table.
    """

    total: int
    counts: dict[str, int]
    shards: list[ShardState] = field(default_factory=list)
    table: Path = Path("table.csv")

    @property
    def unfinished(self) -> list[str]:
        """Names of the shards with pending points."""
        return [s.shard.name for s in self.shards if s.count("pending")]

    @property
    def exit_code(self) -> int:
        """0 if every point is ok, else 3 (failed, incomplete or pending points)."""
        return 0 if self.counts["ok"] == self.total else 3


def survey(out: str | Path, digest: str | None = None, total: int | None = None,
           reference: str | None = None) -> list[ShardState]:
    """Every shard of the split in ``out``, found or not.

    Args:
        out: The ``--out`` folder of the sharded sweep.
        digest: The study's hash; None: the first started shard's.
        total: Points of the study; None: from the first started shard's manifest.
        reference: What ``digest`` belongs to, for the messages (default the first shard).

    Returns:
        One state per shard number 0..N-1 (``problem`` set where a shard's manifest does not
        belong to the study).

    Raises:
        CaseError: If ``out`` holds no shards, or shards of different splits.
    """
    found = find_shards(out)
    n = split_count(out, found)
    if not n:
        raise CaseError(f"{out}: no shard folders (shard-K-of-N) here",
                        hint="run the array tasks with --shard K/N first")
    states = []
    for k in range(n):
        st = ShardState(Shard(k, n), [], found.get(Shard(k, n)))
        if st.path is not None and Store(st.path).read_manifest() is not None:
            st.status = status_counts(st.path)
        states.append(st)
    for st in states:
        if st.status is None:
            continue
        m = st.status["manifest"]
        if digest is None:
            digest, reference = m["study_sha256"], reference or st.shard.name
        total = m.get("study_points") if total is None else total
        if m["study_sha256"] != digest:
            st.problem = f"holds the results of a different study or base case than {reference}"
        elif Shard.from_dict(m.get("shard")) != st.shard:
            st.problem = f"its manifest is not that of {st.shard.name}"
    ids = point_ids(total or 0)
    for st in states:
        st.ids = ids[st.shard.index::n]
        if st.status and not st.problem and [p["id"] for p in st.status["manifest"]["points"]] \
                != st.ids:
            st.problem = f"its points are not those of {st.shard.name} of {len(ids)} points"
    return states


def collect(study_file: str | Path, out: str | Path) -> CollectOutcome:
    """Merge the shards in ``out`` into ``out/table.csv`` and ``out/table.h5``.

    Args:
        study_file: The study file every shard ran.
        out: The ``--out`` folder of the sharded sweep.

    Returns:
        The outcome (counts over the whole study; pending = in shards not run or not finished).

    Raises:
        CaseError: If ``out`` holds no shards, an unsharded sweep, shards of different splits,
            or a shard of another study (naming that shard).
    """
    study = load_study(study_file)
    out = Path(out)
    if (out / "manifest.json").exists():
        raise CaseError(f"{out} holds an unsharded sweep (its table is written by the run)",
                        hint="--collect merges the shard-K-of-N folders of --shard K/N runs")
    states = survey(out, study.digest, len(study.points), str(study.path))
    for st in states:
        if st.problem:
            raise CaseError(f"{st.path}: {st.problem}", hint="re-run that array task with "
                            "--restart, or collect with the study it ran")
    records: dict[str, dict[str, Any]] = {}
    for st in states:
        records.update(st.status["records"] if st.status else {})
    manifest = {"keys": list(study.keys),
                "outputs": list(study.outputs) if study.outputs is not None else None,
                "points": [{"id": pid, "inputs": inputs}
                           for pid, inputs in zip(point_ids(len(study.points)), study.points)]}
    columns, rows = build_table(manifest, records)
    attrs = {"study_sha256": study.digest, "study_file": str(study.path.resolve()),
             "shards": len(states)}
    write_table_csv(out / "table.csv", columns, rows)
    write_table_h5(out / "table.h5", columns, rows, attrs)
    counts = {s: sum(st.count(s) for st in states) for s in STATES}
    write_json(out / "shards.json", {
        **attrs, "collected_utc": utc_now(), "total": len(study.points), **counts,
        "per_shard": {st.shard.name: {s: st.count(s) for s in STATES} for st in states}})
    return CollectOutcome(total=len(study.points), counts=counts, shards=states,
                          table=out / "table.csv")


def format_sharded_status(out: str | Path, max_listed: int = 50) -> str:
    """``--status DIR`` of a sharded sweep: totals, one line per shard, failed points.

    Args:
        out: The ``--out`` folder of the sharded sweep.
        max_listed: Most failed / incomplete points listed per shard.
    """
    states = survey(out)
    started = [st for st in states if st.status]
    c = {s: sum(st.count(s) for st in states) for s in STATES}
    total = sum(len(st.ids) for st in states)
    lines = [f"{out}: sharded sweep, {len(states)} shards"]
    if started:
        m = started[0].status["manifest"]
        lines[0] += f", study {m['study_file']} ({m['design']} over {', '.join(m['keys'])})"
    else:
        lines[0] += " (none started: the number of points is not known yet)"
    lines.append(f"  {total} points: {c['ok'] + c['incomplete']} done ({c['ok']} ok, "
                 f"{c['incomplete']} incomplete), {c['failed']} failed, {c['pending']} pending")
    for st in states:
        name = st.shard.name
        if st.status is None:
            lines.append(f"  {name}: not started ({len(st.ids)} points pending)")
        elif st.problem:
            lines.append(f"  {name}: {st.problem} (counted as pending: re-run it with "
                         "--restart)")
        else:
            running = f", {len(st.status['claimed'])} running or interrupted" \
                if st.status["claimed"] else ""
            lines.append(f"  {name}: {len(st.ids)} points: {st.count('ok')} ok, "
                         f"{st.count('incomplete')} incomplete, {st.count('failed')} failed, "
                         f"{st.count('pending')} pending{running}")
    for st in started:
        if not st.problem:
            lines += [f"  {st.shard.name} " + x.lstrip() if x.endswith(":") else x
                      for x in problem_lines(st.status, max_listed)]
    unfinished = [st.shard.name for st in states if st.count("pending")]
    if unfinished:
        lines.append(f"  (re-)run the array tasks of {', '.join(unfinished[:10])}"
                     f"{' ...' if len(unfinished) > 10 else ''}, then --collect")
    elif (Path(out) / "table.csv").exists():
        lines.append(f"  table (from --collect): {Path(out) / 'table.csv'} and table.h5")
    else:
        lines.append("  every shard finished: merge them with "
                     "`interphase sweep STUDY --out DIR --collect`")
    return "\n".join(lines)
