"""Merge the shards of a job array: ``interphase sweep STUDY --out DIR --collect``; their status.

:func:`collect` reads the records of every ``DIR/shard-K-of-N`` folder (see
:mod:`solver.sweep.shard`), checks that every shard ran this study (same study hash), and writes
``DIR/table.csv`` and ``DIR/table.h5`` with one row per point of the whole study, in point
order; points of shards that did not run (or did not finish) are rows with status ``pending``.
``DIR/shards.json`` records what was merged (the shards' states: :mod:`.overview`). It needs
neither MPI nor DOLFINx, and is safe while shards are running (records are written atomically).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CaseError
from ..results.atomic import write_json
from .overview import STATES, ShardState, survey
from .points import point_ids
from .store import utc_now
from .study import load_study
from .table import build_table, write_table_csv, write_table_h5


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
