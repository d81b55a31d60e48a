"""Write a study's tables, plots and summary.json (rank 0 only; every file atomic)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import painter, plots
from .atomic import write_csv, write_json

BAND_COLUMNS = ("x_nm", "layer", "psi_V", "Ec_eV", "Ev_eV", "Efn_eV", "Efp_eV", "n_cm3",
                "p_cm3", "c_ion_cm3")


def band_diagram_table(bds: Sequence[Mapping[str, np.ndarray]], temps: Sequence[float],
                       names: Sequence[str]) -> dict[str, list]:
    """Long-format band-diagram columns for several temperatures (layer by name)."""
    keys = list(BAND_COLUMNS) + [k for k in bds[0] if k not in BAND_COLUMNS]
    cols: dict[str, list] = {k: [] for k in keys}
    cols["temperature_K"] = []
    for bd, T in zip(bds, temps, strict=True):
        for k in keys:
            vals = bd[k].tolist()
            cols[k] += [names[int(i)] for i in vals] if k == "layer" else vals
        cols["temperature_K"] += [T] * len(bd["x_nm"])
    return cols


def merge_entries(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Top-level summary keys: the entry itself for one temperature, else lists per key."""
    if len(entries) == 1:
        return dict(entries[0])
    keys = [k for k in entries[0] if all(k in e for e in entries)]
    return {k: [e[k] for e in entries] for k in keys}


def stacked_columns(entries: Sequence[dict[str, Any]], key: str) -> dict[str, list]:
    """The ``entry[key]`` column tables of several temperatures, stacked, with temperature_K."""
    cols: dict[str, list] = {}
    for e in entries:
        table = e.get(key) or {}
        n = len(next(iter(table.values()), []))
        for k, v in table.items():
            if isinstance(v, list):
                cols.setdefault(k, []).extend(v)
        cols.setdefault("temperature_K", []).extend([e["temperature_K"]] * n)
    return cols


def write_outputs(out: Path, *, case_name: str, kind: Any, layer_names: Sequence[str],
                  entries: Sequence[dict[str, Any]], bds: Sequence[Mapping[str, np.ndarray]],
                  extra: Mapping[str, Any], plots_on: bool,
                  n_temperatures: int | None = None) -> dict[str, Any]:
    """Write summary.json, band_diagram.csv, the kind's table and the PNGs now final.

    Called after each finished temperature: tables and summary hold every finished one. Every
    picture is drawn once, when its data is final: those of one temperature (band diagrams,
    the kind's :meth:`~solver.studies.kind.StudyKind.temperature_figures`) when it finishes,
    those across temperatures (the kind's ``figures``: I-V curves, Arrhenius plots) when the
    last one does (``n_temperatures`` entries).

    Args:
        out: Output folder.
        case_name: Case name.
        kind: The study kind (:class:`solver.studies.kind.StudyKind`): its name, table and
            figures.
        layer_names: Layer names.
        entries: One summary entry per finished temperature.
        bds: One band diagram per finished temperature.
        extra: More top-level summary keys (mesh, provenance, status).
        plots_on: Whether to draw PNGs.
        n_temperatures: Temperatures the run will have (file names carry T when > 1; the
            pictures across temperatures wait for the last; default: these entries).

    Returns:
        The summary written.
    """
    out.mkdir(parents=True, exist_ok=True)
    temps = [e["temperature_K"] for e in entries]
    if all(bd is not None for bd in bds):
        write_csv(out / "band_diagram.csv", band_diagram_table(bds, temps, layer_names))
    if kind.table and any(kind.table in e for e in entries):
        write_csv(out / f"{kind.table}.csv", stacked_columns(entries, kind.table))
    summary = {"case": case_name, "study": kind.name, **merge_entries(entries),
               "per_temperature": list(entries), **extra}
    summary["temperature_K"] = temps[0] if len(temps) == 1 else temps
    if plots_on and entries:
        n = n_temperatures or len(entries)
        suffix = f"_{entries[-1]['temperature_K']:g}K" if n > 1 else ""
        _band_pictures(out, case_name, layer_names, entries[-1], bds[-1], suffix)
        kind.temperature_figures(out, case_name, entries[-1], suffix)
        if len(entries) >= n:
            kind.figures(out, case_name, entries, summary)
    write_json(out / "summary.json", summary)
    return summary


def _band_pictures(out: Path, case_name: str, names: Sequence[str], entry: dict[str, Any],
                   bd: Mapping[str, np.ndarray] | None, suffix: str) -> None:
    """The equilibrium band diagram of one temperature (and a zoom on thin layers)."""
    if bd is None:
        return
    T = entry["temperature_K"]
    painter.draw("band_diagram", out / f"band_diagram{suffix}.png", bd, names,
                 f"{case_name}: equilibrium at {T:g} K")
    window = plots.zoom_window(bd, names)
    if window:
        painter.draw("band_diagram", out / f"band_diagram_zoom{suffix}.png", bd, names,
                     f"{case_name}: {T:g} K (thin layers)", xlim=window)
