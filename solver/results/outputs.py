"""Write a study's tables, plots and summary.json (rank 0 only; every file atomic)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import plots
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


def write_outputs(out: Path, *, case_name: str, kind: str, layer_names: Sequence[str],
                  entries: Sequence[dict[str, Any]], bds: Sequence[Mapping[str, np.ndarray]],
                  extra: Mapping[str, Any], plots_on: bool,
                  n_temperatures: int | None = None) -> dict[str, Any]:
    """Write summary.json, band_diagram.csv, iv.csv and PNGs for the finished temperatures.

    Args:
        out: Output folder.
        case_name: Case name.
        kind: Study kind.
        layer_names: Layer names.
        entries: One summary entry per temperature.
        bds: One band diagram per temperature.
        extra: More top-level summary keys (mesh, provenance, status).
        plots_on: Whether to draw PNGs.
        n_temperatures: Temperatures the run will have (file names carry T when > 1).

    Returns:
        The summary written.
    """
    out.mkdir(parents=True, exist_ok=True)
    temps = [e["temperature_K"] for e in entries]
    if all(bd is not None for bd in bds):
        write_csv(out / "band_diagram.csv", band_diagram_table(bds, temps, layer_names))
    if any("iv" in e for e in entries):
        iv_cols: dict[str, list] = {}
        for e in entries:
            n = len(e["iv"].get("voltage_V", []))
            for k, v in e["iv"].items():
                iv_cols.setdefault(k, []).extend(v)
            iv_cols.setdefault("temperature_K", []).extend([e["temperature_K"]] * n)
        write_csv(out / "iv.csv", iv_cols)
    if any("transient" in e for e in entries):
        tr_cols: dict[str, list] = {}
        for e in entries:
            n = len(e["transient"].get("time_s", []))
            for k, v in e["transient"].items():
                tr_cols.setdefault(k, []).extend(v)
            tr_cols.setdefault("temperature_K", []).extend([e["temperature_K"]] * n)
        write_csv(out / "transient.csv", tr_cols)
    if any("leakage" in e for e in entries):
        lk: dict[str, list] = {}
        for e in entries:
            n = len(e["leakage"]["voltage_V"])
            for k, v in e["leakage"].items():
                lk.setdefault(k, []).extend(v)
            lk.setdefault("temperature_K", []).extend([e["temperature_K"]] * n)
        write_csv(out / "leakage.csv", lk)
        if plots_on and extra.get("leakage_vs_temperature"):
            series = {}
            for label, key in (("", "leakage_vs_temperature"),
                               ("reference ", "reference_vs_temperature")):
                for pol, d in (extra.get(key) or {}).items():
                    series[f"{label}{pol}"] = ([1000.0 / t for t in d["temperature_K"]],
                                               np.abs(d["effective_conductivity_S_per_cm"]))
            plots.xy(out / "leakage_arrhenius.png", series, "1000 / T (1/K)",
                     "effective electronic conductivity (S/cm)",
                     f"{case_name}: DC polarisation", logy=True)
    if any("impedance" in e for e in entries):
        zc: dict[str, list] = {}
        for e in entries:
            n = len(e["impedance"]["frequency_Hz"])
            for k, v in e["impedance"].items():
                zc.setdefault(k, []).extend(v)
            zc.setdefault("temperature_K", []).extend([e["temperature_K"]] * n)
        write_csv(out / "impedance.csv", zc)
        if plots_on:
            plots.impedance(out, {f"{e['temperature_K']:g} K": e["impedance"] for e in entries},
                            case_name)
    summary = {"case": case_name, "study": kind, **merge_entries(entries),
               "per_temperature": list(entries), **extra}
    summary["temperature_K"] = temps[0] if len(temps) == 1 else temps
    if plots_on:
        _plots(out, case_name, layer_names, entries, bds, n_temperatures or len(entries))
    write_json(out / "summary.json", summary)
    return summary


def _plots(out: Path, case_name: str, names: Sequence[str], entries, bds, n_temps: int) -> None:
    for e, bd in zip(entries, bds, strict=True):
        T = e["temperature_K"]
        suffix = "" if n_temps == 1 else f"_{T:g}K"
        if bd is None:
            continue
        plots.band_diagram(out / f"band_diagram{suffix}.png", bd, names,
                           f"{case_name}: equilibrium at {T:g} K")
        window = plots.zoom_window(bd, names)
        if window:
            plots.band_diagram(out / f"band_diagram_zoom{suffix}.png", bd, names,
                               f"{case_name}: {T:g} K (thin layers)", xlim=window)
    curves = {f"{e['temperature_K']:g} K": (np.asarray(e["iv"]["voltage_V"]),
                                            np.asarray(e["iv"]["current_density_A_per_cm2"]))
              for e in entries if e.get("iv", {}).get("voltage_V")}
    if curves:
        knees = {f"{e['temperature_K']:g} K": e.get("knee_voltage_V", np.nan) for e in entries}
        plots.iv_curves(out / "iv.png", curves, f"{case_name}: I-V", knees)
    for e in entries:
        tr = e.get("transient", {})
        if tr.get("time_s"):
            suffix = "" if n_temps == 1 else f"_{e['temperature_K']:g}K"
            parts = {k.replace("_A_per_cm2", "").replace("current_density", "total"):
                     (tr["time_s"], np.abs(tr[k])) for k in
                     ("current_density_A_per_cm2", "electronic_A_per_cm2", "ionic_A_per_cm2",
                      "displacement_A_per_cm2")}
            galvano = e.get("control") == "current"
            kind = "chronopotentiometry" if galvano else "chronoamperometry"
            plots.loglog(out / f"transient{suffix}.png", parts, "time t (s)",
                         "|J| (A cm$^{-2}$)",
                         f"{case_name}: {kind} at {e['temperature_K']:g} K")
            if galvano:
                plots.xy(out / f"transient_voltage{suffix}.png",
                         {f"{e['temperature_K']:g} K": (tr["time_s"], tr["voltage_V"])},
                         "time t (s)", "contact voltage (V)",
                         f"{case_name}: {kind}", logx=True)
