"""Current-voltage study: equilibrium, then adaptive bias continuation on both branches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis import iv_metrics
from ..case import Study
from ..device.problem import DeviceProblem
from ..results import painter
from ..results.progress import Progress
from ..units import per_si
from .bias import A_PER_CM2, sweep
from .equilibrium import run_equilibrium
from .kind import PointCallback, StudyKind


def run_iv(pb: DeviceProblem, study: Study, T: float,
           on_point: Callable[[float, dict], None] | None = None
           ) -> tuple[dict[str, Any], dict | None]:
    """Equilibrium plus an I-V sweep at ``T``, with figures of merit.

    Args:
        pb: The device problem.
        study: The study settings.
        T: Temperature (K).
        on_point: Optional callback ``(V, record)`` after each converged bias point.

    Returns:
        ``(entry, band_diagram)`` as :func:`solver.studies.equilibrium.run_equilibrium`.
    """
    entry, bd = run_equilibrium(pb, T)
    progress = Progress(f"iv {T:g} K", len(set(study.voltages)), pb.comm.rank)
    records, problems = sweep(pb, study.contact, list(study.voltages), progress,
                              on_point=on_point)
    progress.close()
    V = np.array([r["voltage_V"] for r in records])
    J = np.array([r["current_density_A_per_cm2"] for r in records])
    columns = {k: [r[k] for r in records] for k in (records[0] if records else {})}
    entry["iv"] = columns
    entry["rectification_ratio"] = iv_metrics.rectification_ratios(
        V, J, study.rectification_biases)
    knee = iv_metrics.knee_voltage(V, J, study.knee_method, study.knee_current * A_PER_CM2)
    entry["knee_voltage_V"] = knee["knee_voltage_V"]
    entry["knee"] = knee
    entry.update(iv_metrics.ideality(V, J, T))
    entry["saturation_current_density_A_per_cm2"] = entry.pop("saturation_current_density")
    strengths = {name: st.dielectric_strength * per_si("dielectric_strength_V_per_cm")
                 for name, st in zip(pb.dm.layer_names, pb.P.states, strict=False)
                 if st.dielectric_strength > 0}
    if strengths:  # beside the peak_field_<layer> columns of the sweep
        entry["dielectric_strength_V_per_cm"] = strengths
    entry["status"] = "incomplete" if problems else "ok"
    if problems:
        entry["problems"] = problems
    return entry, bd


class IVStudy(StudyKind):
    """DC bias sweep with figures of merit (``iv.csv``, ``iv.png``)."""

    name = "iv"
    table = "iv"
    sweeps_bias = True

    def run(self, T: float, on_point: PointCallback | None = None) -> tuple[dict[str, Any], Any]:
        """Equilibrium and the sweep at ``T`` (K)."""
        return run_iv(self.pb, self.study, T, on_point=on_point)

    def figures(self, out: Path, case_name: str, entries: Sequence[dict[str, Any]],
                summary: dict[str, Any]) -> None:
        """log|J|-V curves of every temperature, with their knees."""
        curves = {f"{e['temperature_K']:g} K": (np.asarray(e["iv"]["voltage_V"]),
                                                np.asarray(e["iv"]["current_density_A_per_cm2"]))
                  for e in entries if e.get("iv", {}).get("voltage_V")}
        if curves:
            knees = {f"{e['temperature_K']:g} K": e.get("knee_voltage_V", np.nan)
                     for e in entries}
            painter.draw("iv_curves", out / "iv.png", curves, f"{case_name}: I-V", knees)

    @staticmethod
    def console(entry: dict[str, Any]) -> list[str]:
        """Knee, rectification ratios and ideality."""
        rr = ", ".join(f"RR({k} V) = {v:.3g}" for k, v in entry["rectification_ratio"].items())
        n = entry.get("ideality_factor")
        return [f"knee = {entry['knee_voltage_V']:.3f} V", rr,
                f"n = {n:.3f}" if n is not None else
                f"n, J0: none ({entry.get('ideality_note') or 'no fit'})"]
