"""Outputs of a point (paths into its summary) and the combined table (CSV and HDF5).

The table has one row per point in point order: ``id``, the swept inputs, ``status``,
``reason``, ``petsc_reason``, the outputs, ``n_ranks`` and ``wall_time_s``. Floats are written
with ``repr`` (exact), so two runs of the same study give byte-identical tables apart from the
timing column.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..results.atomic import write_bytes, write_text

#: summary keys that are not figures of merit (default outputs skip them)
SKIP = frozenset({"case", "study", "status", "problems", "iv", "per_temperature", "provenance",
                  "fields", "mesh", "knee", "transient", "leakage"})
TIMING = ("wall_time_s",)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def default_outputs(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Every number of a summary, nested tables and lists flattened to dotted paths.

    Skips bulky or descriptive parts (:data:`SKIP`): ``rectification_ratio.1`` and
    ``band_bending_V.p-Si`` are kept, ``iv.voltage_V`` is not.
    """
    out: dict[str, Any] = {}

    def walk(v: Any, path: str) -> None:
        if _number(v):
            out[path] = v
        elif isinstance(v, Mapping):
            for k, x in v.items():
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}.{i}")

    for k, v in summary.items():
        if k not in SKIP:
            walk(v, k)
    return out


def lookup(summary: Any, path: str) -> Any:
    """The value at a dotted ``path`` (None if absent).

    Mapping keys may contain dots (``rectification_ratio.0.5`` finds key ``"0.5"``): the
    longest key that matches wins. List items are addressed by index.
    """
    parts = path.split(".")
    node = summary
    i = 0
    while i < len(parts):
        if isinstance(node, Mapping):
            for j in range(len(parts), i, -1):
                key = ".".join(parts[i:j])
                if key in node:
                    node, i = node[key], j
                    break
            else:
                return None
        elif isinstance(node, list) and parts[i].lstrip("-").isdigit():
            k = int(parts[i])
            if not -len(node) <= k < len(node):
                return None
            node, i = node[k], i + 1
        else:
            return None
    return node


def select_outputs(summary: Mapping[str, Any], paths: Sequence[str] | None) -> dict[str, Any]:
    """The study's outputs of one summary: the given paths, or :func:`default_outputs`."""
    if paths is None:
        return default_outputs(summary)
    return {p: lookup(summary, p) for p in paths}


def build_table(manifest: Mapping[str, Any],
                records: Mapping[str, Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of the combined table, one row per point in point order.

    Output columns are the study's ``outputs`` or, by default, the union of every record's
    outputs in order of first appearance; an output named like an input is ``output.NAME``.
    """
    keys = list(manifest["keys"])
    out_cols: list[str] = list(manifest.get("outputs") or [])
    if manifest.get("outputs") is None:
        for p in manifest["points"]:
            for k in records.get(p["id"], {}).get("outputs", {}):
                if k not in out_cols:
                    out_cols.append(k)
    named = [f"output.{c}" if c in keys else c for c in out_cols]
    columns = ["id", *keys, "status", "reason", "petsc_reason", *named, "n_ranks", *TIMING]
    rows = []
    for p in manifest["points"]:
        rec = records.get(p["id"], {})
        outs = rec.get("outputs", {})
        rows.append([p["id"], *(p["inputs"][k] for k in keys), rec.get("status", "pending"),
                     rec.get("reason") or "", rec.get("petsc_reason"),
                     *(outs.get(c) for c in out_cols), rec.get("n_ranks"),
                     rec.get("timings", {}).get("wall_s")])
    return columns, rows


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(float(v)) if math.isfinite(v) else str(float(v))
    if isinstance(v, int | str):
        return str(v)
    if hasattr(v, "item"):  # a numpy scalar
        return _cell(v.item())
    return json.dumps(v, separators=(",", ":"))


def write_table_csv(path: str | Path, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Write the table as CSV atomically (exact floats, JSON for lists and tables)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    write_text(path, buf.getvalue())


def write_table_h5(path: str | Path, columns: Sequence[str], rows: Sequence[Sequence],
                   attrs: Mapping[str, Any]) -> None:
    """Write the table as HDF5 (one dataset per column under ``/table``) atomically.

    Numeric columns are float64 (NaN where missing) or int64; others are UTF-8 strings (JSON
    for lists and tables). ``/table`` carries the column order and ``attrs``.
    """
    import h5py
    import numpy as np

    buf = io.BytesIO()
    with h5py.File(buf, "w") as h5:
        g = h5.create_group("table")
        g.attrs["columns"] = json.dumps(list(columns))
        for k, v in attrs.items():
            g.attrs[k] = v if isinstance(v, str | int | float) else json.dumps(v)
        for j, name in enumerate(columns):
            values = [row[j] for row in rows]
            present = [v for v in values if v is not None]
            ds_name = name.replace("/", "\u2215")
            if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present) \
                    and len(present) == len(values):
                g.create_dataset(ds_name, data=np.asarray(values, dtype=np.int64))
            elif present and all(_number(v) for v in present):
                data = [np.nan if v is None else float(v) for v in values]
                g.create_dataset(ds_name, data=np.asarray(data, dtype=np.float64))
            else:
                g.create_dataset(ds_name, data=[_cell(v) for v in values],
                                 dtype=h5py.string_dtype())
    write_bytes(path, buf.getvalue())


def read_table_csv(path: str | Path, drop: Sequence[str] = TIMING) -> list[dict[str, str]]:
    """Rows of a table CSV as dicts of strings, without the ``drop`` columns (timings)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: v for k, v in row.items() if k not in drop} for row in csv.DictReader(fh)]
