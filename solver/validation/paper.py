"""`interphase validate`: the paper's experiments from physics, next to the measured numbers.

Runs every experiment of cases/validation/paper.toml, evaluates the metrics of
:mod:`solver.validation.metrics` and writes ``report.md``, ``validation.json`` and figures.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mpi4py import MPI

from ..results import plots
from ..results.atomic import write_json, write_text
from ..results.progress import Progress
from .experiments import ROOT, entry_at, load_spec, measured, run_experiment
from .metrics import Metric, metrics, polarity_index, verdict

IDENTIFIABILITY = ROOT / "cases" / "validation" / "calibration.md"


def run_validation(out: Path, comm: MPI.Comm, quick: bool = False,
                   overrides: Sequence[str] = (), only: Sequence[str] | None = None,
                   plots_on: bool = True) -> dict[str, Any]:
    """Run the experiments and compare (report files on rank 0).

    Args:
        out: Report folder.
        comm: Communicator (each experiment runs on all of it).
        quick: Reduced temperatures and sweeps (tests, CI).
        overrides: --set overrides applied to every experiment they fit (calibrated values).
        only: Metric names to evaluate (default all); only their experiments run.
        plots_on: Write the experiments' own PNGs.

    Returns:
        ``{"metrics": [...], "summaries": {...}}``.
    """
    t0 = time.perf_counter()
    spec = load_spec()
    ms = [m for m in metrics(measured()) if only is None or m.name in only]
    needed = sorted({e for m in ms for e in m.needs})
    progress = Progress("validate", len(needed), comm.rank)
    summaries = {}
    for name in needed:
        summaries[name] = run_experiment(spec[name], out / "runs" / name, comm, quick,
                                         overrides, plots=plots_on)
        progress.step(name)
    progress.close()
    values: dict[str, Any] = {}
    for m in ms:
        try:
            values[m.name] = m.model(summaries)
        except LookupError:
            values[m.name] = None  # not in this run (quick mode)
        except (ValueError, ZeroDivisionError):
            values[m.name] = float("nan")
    rows = [row(m, values[m.name], values) for m in ms]
    result = {"metrics": rows, "overrides": list(overrides), "quick": quick,
              "wall_time_s": time.perf_counter() - t0}
    if comm.rank == 0 and only is None:
        write_json(out / "validation.json", result)
        write_text(out / "report.md", markdown(rows, overrides, quick))
        figures(out, summaries)
    return {**result, "summaries": summaries}


def row(m: Metric, value: Any, values: dict[str, Any]) -> dict[str, Any]:
    """One report row."""
    v = "not run" if value is None else verdict(m, value, values)
    return {"name": m.name, "quantity": m.label, "unit": m.unit, "measured": m.measured,
            "model": value, "band": list(m.band), "role": m.role, "verdict": v,
            "note": m.miss_cause if v == "miss" or m.role in ("input", "model") else ""}


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return "nan" if not np.isfinite(x) else f"{x:.3g}"
    return "" if x is None else str(x)


def _band(b: list) -> str:
    return {"abs": lambda: f"+-{b[1]:g}", "factor": lambda: f"x/{b[1]:g}",
            "qualitative": lambda: str(b[1]), "model": lambda: "-"}[b[0]]()


def markdown(rows: list[dict], overrides: Sequence[str], quick: bool) -> str:
    """The report as Markdown."""
    n_pass = sum(r["verdict"] == "pass" for r in rows)
    n_miss = sum(r["verdict"] == "miss" for r in rows)
    lines = [
        "# interphase validation against the rectifying-interphase paper", "",
        f"{n_pass} pass, {n_miss} miss ({'quick run' if quick else 'full run'}). Roles: "
        "*calibration* = may be fitted (`interphase calibrate`); *prediction* = not fitted; "
        "*input* = the model was built from this number; *model* = no measured value.", "",
        "Parameter overrides: " + (", ".join(f"`{s}`" for s in overrides) or "none "
                                   "(library values)"), "",
        "| quantity | measured | model | band | role | verdict |",
        "|---|---|---|---|---|---|"]
    for r in rows:
        unit = f" {r['unit']}" if r["unit"] and isinstance(r["model"], float) else ""
        lines.append(f"| {r['quantity']} | {_fmt(r['measured'])} | {_fmt(r['model'])}{unit} | "
                     f"{_band(r['band'])} | {r['role']} | **{r['verdict']}** |")
    lines += ["", "## Notes on misses and on model-only rows", ""]
    lines += [f"- **{r['quantity']}**: {r['note']}" for r in rows if r["note"]]
    lines += ["", "Figures: `onchip_iv.png`, `leakage_vs_T.png`, `impedance_nyquist.png`, "
              "`impedance_bode.png`; every run's own files are under `runs/`."]
    ident = IDENTIFIABILITY.read_text() if IDENTIFIABILITY.is_file() else ""
    if ident and overrides:
        lines += ["", "## The calibrated parameters and what the data pin down", "",
                  f"(from `{IDENTIFIABILITY.relative_to(ROOT)}`, written by `interphase "
                  "calibrate` with the committed parameter set)", ""]
        lines += [x for x in ident.splitlines() if not x.startswith("# ")]
    return "\n".join(lines) + "\n"


def figures(out: Path, s: dict[str, Any]) -> None:
    """The report's figures from the experiment summaries present."""
    if "onchip" in s:
        curves = {f"{e['temperature_K']:g} K": (np.asarray(e["iv"]["voltage_V"]),
                                                np.asarray(e["iv"]["current_density_A_per_cm2"]))
                  for e in s["onchip"]["per_temperature"]}
        knees = {f"{e['temperature_K']:g} K": e["knee_voltage_V"]
                 for e in s["onchip"]["per_temperature"]}
        plots.iv_curves(out / "onchip_iv.png", curves,
                        "on-chip Ti/n-TiO2/p-Si/Al (paper knee 0.6 V)", knees)
    if "pellets" in s and "bare" in s:
        series = {}
        for which, exp in (("interphase", "pellets"), ("bare", "bare")):
            for pol in (-1, 1):
                T = [e["temperature_K"] for e in s[exp]["per_temperature"]]
                sig = []
                for e in s[exp]["per_temperature"]:
                    d = e["leakage"]
                    i = polarity_index(d["voltage_V"], pol)
                    sig.append(abs(d["effective_conductivity_S_per_cm"][i]))
                series[f"model {which} {pol:+d} V"] = ([1000 / t for t in T], sig)
        series["paper bare (298 K)"] = ([1000 / 298.0], [3.25e-8])
        series["paper RI reverse (298 K)"] = ([1000 / 298.0], [2.57e-9])
        plots.xy(out / "leakage_vs_T.png", series, "1000 / T (1/K)",
                 "effective electronic conductivity (S/cm)",
                 "DC polarisation at 1 V: with and without the interphase", logy=True)
    if "impedance" in s:
        e = entry_at(s["impedance"], 298.0)
        plots.impedance(out, {"model 298 K": e["impedance"]}, "Au/LLZTO/Au pellet")
