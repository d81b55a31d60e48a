"""The state of a sharded sweep's shards, and ``--status DIR`` of any sweep folder.

Shards are the ``DIR/shard-K-of-N`` folders of a job array (:mod:`.shard`); their states feed
both the status report and the merge (:mod:`.collect`). No MPI or DOLFINx needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CaseError
from .points import point_ids
from .shard import Shard, find_shards, split_count
from .status import format_folder_status, problem_lines, status_counts
from .store import Store

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


def format_status(out: str | Path, max_listed: int = 50) -> str:
    """A human-readable report of a sweep folder (or of all shards of a sharded sweep).

    Args:
        out: The sweep's results folder.
        max_listed: Most failed / incomplete points listed with their reasons.
    """
    if not (Path(out) / "manifest.json").exists() and find_shards(out):
        return format_sharded_status(out, max_listed)
    return format_folder_status(out, max_listed)
