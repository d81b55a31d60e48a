"""Electron leakage study: DC polarisation of a cell, both polarities, at each temperature.

For each temperature: thermal equilibrium, then the DC steady state at +U and -U on the biased
contact (bias continuation; with ion-blocking electrodes the ions reach zero flux with their
amount conserved, which is the steady state of a chronoamperometry). Reported per polarity:

- the steady terminal current density and its electronic and ionic parts;
- the electron current density entering the electrolyte: the electron particle current from
  the first contact toward the second (+x in 1D: from the left, where the interphase sits in
  the paper's cells) averaged over the electrolyte, as an electric current density (A/cm2,
  positive when electrons move into the electrolyte from the first contact's side); on 2D/3D
  devices the electron entry maps (:mod:`solver.device.entry`) resolve it along the boundary;
- the effective electronic conductivity a DC-polarisation measurement reports,
  ``sigma = J_ss L / U`` with L the electrolyte thickness.
Across temperatures (see :mod:`solver.analysis.arrhenius`): activation energies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import ufl
from dolfinx import fem

from ..case import Study
from ..device.problem import DeviceProblem
from ..numerics import compat
from ..results.progress import Progress
from .equilibrium import run_equilibrium
from .iv import A_PER_CM2, sweep
from .transient import electrolyte_thickness


def electrolyte_electron_current(pb: DeviceProblem) -> float:
    """Electron current density entering the electrolyte (A/m^2), see the module docstring."""
    if not hasattr(pb, "_leak_form"):
        inside = 1.0 - pb.P.semi
        e = stack_direction(pb)
        Jn = sum(e[d] * pb.current_component("electron", d) for d in range(len(e)))
        pb._leak_form = (fem.form(inside * Jn * pb.dx), fem.form(inside * pb.dx))
    flux, width = (compat.assemble_scalar(f, pb.comm) for f in pb._leak_form)
    return -flux / width * pb.scaling.J0 if width > 0 else math.nan


def stack_direction(pb: DeviceProblem) -> np.ndarray:
    """Unit vector from the first contact's centroid to the second's (+x in 1D)."""
    msh = pb.dm.mesh
    gdim = msh.geometry.dim
    if gdim == 1 or len(pb.contacts) < 2:
        return np.eye(gdim)[0]
    x = ufl.SpatialCoordinate(msh)
    cents = []
    for cs in list(pb.contacts.values())[:2]:
        cents.append(np.array([compat.assemble_scalar(fem.form(x[d] * pb.ds(cs.tag)), pb.comm)
                               for d in range(gdim)]) / pb.contact_area(cs.name))
    v = cents[1] - cents[0]
    return v / np.linalg.norm(v)


def run_leakage(pb: DeviceProblem, study: Study, T: float,
                on_point: Callable[[float, dict], None] | None = None
                ) -> tuple[dict[str, Any], Any]:
    """Equilibrium, then DC polarisation at +U and -U (``study.step_V``) at ``T``.

    ``on_point`` (optional) is called as ``(V, record)`` after each converged bias.

    Returns:
        ``(entry, band_diagram)`` with ``entry["leakage"]`` one row per polarity.
    """
    entry, bd = run_equilibrium(pb, T)
    U = abs(study.waveform[-1][1])
    extra: dict[float, float] = {}

    def record(V: float, rec: dict) -> None:
        extra[V] = electrolyte_electron_current(pb) * A_PER_CM2
        if on_point is not None:
            on_point(V, rec)

    progress = Progress(f"leakage {T:g} K", 3, pb.comm.rank)
    records, problems = sweep(pb, study.contact, [-U, 0.0, U], progress, on_point=record)
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
