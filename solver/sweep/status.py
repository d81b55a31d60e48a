"""``interphase sweep --status DIR``: done / failed / pending points and why points failed.

For a sharded sweep (``DIR/shard-K-of-N`` folders) the report covers every shard
(:func:`solver.sweep.overview.format_sharded_status`).

Reads only the store (no MPI, no DOLFINx), so it is quick and safe while a sweep is running.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import CaseError
from .shard import Shard
from .store import Store


def status_counts(out: str | Path) -> dict[str, Any]:
    """Counts and lists of a sweep's points by state.

    Returns:
        ``{"manifest", "records", "ok", "incomplete", "failed", "pending", "claimed"}``: lists
        of point ids (``claimed``: pending points a group took in the latest run, which is
        running or was interrupted).

    Raises:
        CaseError: If ``out`` holds no sweep.
    """
    store = Store(out)
    manifest = store.read_manifest()
    if manifest is None:
        raise CaseError(f"{out}: no sweep here (no manifest.json)",
                        hint="give the --out folder of a sweep")
    records = store.finished(manifest)
    claims = store.current_claims()
    res: dict[str, Any] = {"manifest": manifest, "records": records, "claims": claims}
    for s in ("ok", "incomplete", "failed"):
        res[s] = [p["id"] for p in manifest["points"]
                  if records.get(p["id"], {}).get("status") == s]
    res["pending"] = [p["id"] for p in manifest["points"] if p["id"] not in records]
    res["claimed"] = [pid for pid in res["pending"] if pid in claims]
    return res


def _inputs(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in point["inputs"].items())


def problem_lines(st: Mapping[str, Any], max_listed: int = 50) -> list[str]:
    """Lines listing the failed and incomplete points of :func:`status_counts` with reasons."""
    records = st["records"]
    points = {p["id"]: p for p in st["manifest"]["points"]}
    lines = []
    for state in ("failed", "incomplete"):
        if st[state]:
            lines.append(f"  {state}:")
        for pid in st[state][:max_listed]:
            rec = records[pid]
            code = f" [{rec['petsc_reason']}]" if rec.get("petsc_reason") else ""
            lines.append(f"    {pid} ({_inputs(points[pid])}){code}: {rec.get('reason')}")
        if len(st[state]) > max_listed:
            lines.append(f"    ... and {len(st[state]) - max_listed} more (see records/)")
    return lines


def format_folder_status(out: str | Path, max_listed: int = 50) -> str:
    """A human-readable report of one sweep folder (one shard, or an unsharded sweep).

    Args:
        out: The sweep's results folder.
        max_listed: Most failed / incomplete points listed with their reasons.
    """
    st = status_counts(out)
    m = st["manifest"]
    total = len(m["points"])
    done = len(st["ok"]) + len(st["incomplete"])
    shard = Shard.from_dict(m.get("shard"))
    part = f", {shard.name}: {total} of {m['study_points']} points" if shard else ""
    lines = [f"{out}: study {m['study_file']} ({m['design']} over {', '.join(m['keys'])}){part}",
             f"  {total} points: {done} done ({len(st['ok'])} ok, {len(st['incomplete'])} "
             f"incomplete), {len(st['failed'])} failed, {len(st['pending'])} pending"]
    lines += problem_lines(st, max_listed)
    if st["claimed"]:
        who = sorted({f"{c.get('host', '?')} pid {c.get('pid', '?')}"
                      for pid, c in st["claims"].items() if pid in st["claimed"]})
        lines.append(f"  running or interrupted in the latest run: {', '.join(st['claimed'][:20])}"
                     f"{' ...' if len(st['claimed']) > 20 else ''} ({'; '.join(who)})")
    if st["pending"]:
        lines.append("  re-run the same sweep command to finish the pending points")
    elif (Path(out) / "table.csv").exists():
        lines.append(f"  table: {Path(out) / 'table.csv'} and table.h5")
    return "\n".join(lines)
