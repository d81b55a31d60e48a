"""Electron leakage study: DC polarisation of a cell, both polarities, at each temperature.

For each temperature: thermal equilibrium, then the DC steady state at +U and -U on the biased
contact (bias continuation; with ion-blocking electrodes the ions reach zero flux with their
amount conserved, which is the steady state of a chronoamperometry). Reported per polarity:

- the steady terminal current density and its electronic and ionic parts;
- the electron current density entering the electrolyte: the electron particle current in +x
  (from the left, where the interphase sits in the paper's cells) averaged over the
  electrolyte, as an electric current density (A/cm2, positive when electrons move into the
  electrolyte from the left);
- the effective electronic conductivity a DC-polarisation measurement reports,
  ``sigma = J_ss L / U`` with L the electrolyte thickness.
Across temperatures (see :mod:`solver.analysis.arrhenius`): activation energies.
"""

from __future__ import annotations

import math
from typing import Any

from dolfinx import fem

from ..case import Study
from ..numerics import compat
from ..results.progress import Progress
from .equilibrium import run_equilibrium
from .iv import A_PER_CM2, sweep
from .problem import DeviceProblem
from .transient import electrolyte_thickness


def electrolyte_electron_current(pb: DeviceProblem) -> float:
    """Electron current density entering the electrolyte (A/m^2), see the module docstring."""
    if not hasattr(pb, "_leak_form"):
        inside = 1.0 - pb.P.semi
        Jn = pb.current_component("electron", 0)
        pb._leak_form = (fem.form(inside * Jn * pb.dx), fem.form(inside * pb.dx))
    flux, width = (compat.assemble_scalar(f, pb.comm) for f in pb._leak_form)
    return -flux / width * pb.scaling.J0 if width > 0 else math.nan


def run_leakage(pb: DeviceProblem, study: Study, T: float) -> tuple[dict[str, Any], Any]:
    """Equilibrium, then DC polarisation at +U and -U (``study.step_V``) at ``T``.

    Returns:
        ``(entry, band_diagram)`` with ``entry["leakage"]`` one row per polarity.
    """
    entry, bd = run_equilibrium(pb, T)
    U = abs(study.waveform[-1][1])
    extra: dict[float, float] = {}

    def on_point(V: float, rec: dict) -> None:
        extra[V] = electrolyte_electron_current(pb) * A_PER_CM2

    progress = Progress(f"leakage {T:g} K", 3, pb.comm.rank)
    records, problems = sweep(pb, study.contact, [-U, 0.0, U], progress, on_point=on_point)
    progress.close()
    L = electrolyte_thickness(pb) * 100.0  # cm
    rows = [r for r in records if r["voltage_V"] != 0.0]
    entry["leakage"] = {
        "voltage_V": [r["voltage_V"] for r in rows],
        "current_density_A_per_cm2": [r["current_density_A_per_cm2"] for r in rows],
        "electron_current_density_A_per_cm2": [extra[r["voltage_V"]] for r in rows],
        "effective_conductivity_S_per_cm": [
            r["current_density_A_per_cm2"] * L / r["voltage_V"] for r in rows],
    }
    entry["electrolyte_thickness_cm"] = L
    entry["status"] = "incomplete" if problems else "ok"
    if problems:
        entry["problems"] = problems
    return entry, bd
