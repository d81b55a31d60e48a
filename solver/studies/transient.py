"""Transient study: bias steps and waveforms from thermal equilibrium, adaptive BDF in time.

Output: the terminal current I(t) split into electron, hole, ionic and displacement parts, at
every accepted step; the steady-state estimate (last step) and the DC-polarisation (modified
Wagner-Hebb) effective electronic conductivity ``sigma_e = J_ss L / U`` with L the electrolyte
thickness, as the paper evaluated its Au / LLZTO / Au cells at 1 V.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np

from mpi4py import MPI

from ..analysis.lithium import li_reduction_rate_nm_per_h
from ..case import Study
from ..constants import eps0, k_B, q
from ..device.leak import ElectrolyteElectronCurrent
from ..device.problem import DeviceProblem
from ..numerics.timestepping import Callbacks, StepperConfig, integrate
from ..results import painter
from ..results.progress import Progress
from ..units import in_key_units
from .bias import A_PER_CM2
from .equilibrium import run_equilibrium
from .galvanostatic import solve_at_current
from .kind import PointCallback, StudyKind

log = logging.getLogger(__name__)



def run_transient(pb: DeviceProblem, study: Study, T: float) -> tuple[dict[str, Any], Any]:
    """Equilibrium at ``T``, then the waveform of ``study`` until ``t_end``.

    Voltage control (chronoamperometry) or current control (chronopotentiometry: the contact
    bias found each step so that the terminal current, displacement included, follows the
    waveform).

    Returns:
        ``(entry, band_diagram)`` with ``entry["transient"]`` the I(t) table.
    """
    entry, bd = run_equilibrium(pb, T)
    stats: dict[str, int] = {}
    rows = simulate(pb, study, stats)
    entry["time_stepping"] = stats
    entry["transient"] = {k: [r[k] for r in rows] for k in rows[0]} if rows else {}
    if rows:
        last = rows[-1]
        U = last["voltage_V"]
        L = pb.electrolyte_thickness()
        J = last["current_density_A_per_cm2"]
        entry["steady_current_density_A_per_cm2"] = J
        entry["electronic_current_density_A_per_cm2"] = last["electronic_A_per_cm2"]
        entry["effective_conductivity_S_per_cm"] = (J * L * 100.0 / U) if U else math.nan
        entry["electrolyte_thickness_cm"] = L * 100.0
        entry["control"] = study.control
        entry["steady_voltage_V"] = U
        entry["area_specific_resistance_ohm_cm2"] = U / J if J else math.nan
        if "li_reduction_nm_per_h" in last:
            entry["li_reduction_nm_per_h"] = last["li_reduction_nm_per_h"]
    return entry, bd


def initial_step(pb: DeviceProblem, t_end: float) -> float:
    """Default first step (s): 0.1 x the shortest dielectric relaxation time of the electrolytes.

    ``tau = eps0 eps_r / sigma_ion`` with ``sigma_ion = sum q^2 z^2 c D / (k T)``: nothing
    happens in an electrolyte on shorter times. Without an electrolyte: 1e-12 s. Bounded below
    by ``1e-9 t0`` (t0 the time scale of the scaled equations, ~L^2 / (mu V_T)): shorter steps
    drown the 1/dt terms in round-off (a 2.2 mm pellet: t0 ~ 2e3 s, so 2 us, where 0.1 tau
    would be 0.9 ns). At most ``t_end / 1000``.
    """
    T = pb.temperature
    taus = []
    for i, ly in enumerate(pb.case.layers):
        if not pb.case.is_electrolyte(ly):
            continue
        ions = pb.case.materials.get(ly.material).ions
        sigma = sum(q**2 * ion.z**2 * ion.concentration * ion.diffusivity(T) / (k_B * T)
                    for ion in ions)
        if sigma > 0:
            taus.append(eps0 * pb.P.states[i].eps_r / sigma)
    dt = 0.1 * min(taus) if taus else 1e-12
    return min(max(dt, 1e-9 * pb.scaling.t0), t_end / 1000.0)


def simulate(pb: DeviceProblem, study: Study,
             stats_out: dict[str, int] | None = None) -> list[dict[str, float]]:
    """Integrate the waveform from the current (equilibrium) state; one row per step.

    The error norm is the largest change of the scaled potential against the BDF2 predictor
    (kT/q units) together with the relative change of the terminal current. ``stats_out``
    (optional) receives the counts of accepted and rejected steps, failed solves and Newton
    iterations.
    """
    contact = study.contact
    pb.transient_tolerance = 1e-3 * study.time_tolerance
    u_free = np.zeros(pb.sol.x.array.shape, dtype=bool)
    u_free[pb.potential_dofs] = True
    u_free &= pb.free_dofs
    hist: list[dict[str, float]] = []
    pb.levels.push(pb.solution_array())
    pb.levels.push(pb.solution_array())
    rows: list[dict[str, float]] = []
    dt0 = study.dt_initial or initial_step(pb, study.t_end)
    t_grid = np.logspace(np.log10(dt0), np.log10(study.t_end), 60)
    progress = Progress(f"transient {pb.temperature:g} K", len(t_grid), pb.comm.rank)
    state = {"i_max": 0.0, "next": 0}

    galvanostatic = study.control == "current"
    has_electrolyte = any(pb.case.is_electrolyte(ly) for ly in pb.case.layers)
    leak = ElectrolyteElectronCurrent(pb) if has_electrolyte else None
    drive_scale = max(abs(v) for _, v in study.waveform)

    def set_step(t_new: float, dt: float, order: int, ratio: float) -> None:
        if galvanostatic:
            state["target"] = study.bias_at(t_new)  # A/m^2
        else:
            pb.set_bias(contact, study.bias_at(t_new))
        pb.levels.set_step(dt, order, ratio)

    def predict(ratio: float) -> None:
        x = pb.levels.extrapolate(ratio)
        pb.base.x.array[:] = x
        pb.sol.x.array[:] = 0.0
        V = pb.contacts[contact].bias
        if galvanostatic and len(hist) >= 2:
            V = hist[-1]["V"] + ratio * (hist[-1]["V"] - hist[-2]["V"])
        elif galvanostatic and hist:
            V = hist[-1]["V"]
        state["V_pred"] = V
        pb.set_bias(contact, V)

    def solve():
        if not galvanostatic:
            return pb.solve_transient()
        res, state["slope"] = solve_at_current(pb, contact, state["target"], 1e-3 * drive_scale,
                                               slope=state.get("slope"))
        return res

    def error(predicted: tuple) -> float:
        diff = np.abs(pb.solution_array() - (predicted[0] + predicted[1]))[u_free]
        err_u = float(diff.max()) if diff.size else 0.0
        err_u = pb.comm.allreduce(err_u, op=MPI.MAX)
        err_i = 0.0
        if galvanostatic:  # the current is imposed: control the contact voltage instead
            err_i = abs(pb.contacts[contact].bias - state["V_pred"]) / pb.scaling.V_ref
        elif len(hist) >= 2:
            J = pb.terminal_current(contact, transient=True)["total"]
            pred = hist[-1]["J"] + state["ratio"] * (hist[-1]["J"] - hist[-2]["J"])
            err_i = abs(J - pred) / (abs(J) + 1e-6 * state["i_max"] + 1e-300)
        return 0.2 * max(err_u, err_i)

    def accept(t: float) -> None:
        J = pb.terminal_current(contact, transient=True)
        pb.levels.push(pb.solution_array())
        if not hist:  # the state just after the step is the start: no slope to extrapolate
            pb.levels.push(pb.solution_array())
        state["i_max"] = max(state["i_max"], abs(J["total"]))
        hist.append({"t": t, "J": J["total"], "V": pb.contacts[contact].bias})
        ions = sum(v for k, v in J.items() if k not in ("total", "electron", "hole",
                                                         "displacement"))
        Vd = pb.contacts[contact].bias
        terminal = Vd + pb.series.total(pb.temperature) * J["total"]  # in front of any R_s
        row = in_key_units(
            time_s=t, voltage_V=terminal,
            current_density_A_per_cm2=J["total"],
            electronic_A_per_cm2=J["electron"] + J["hole"], electron_A_per_cm2=J["electron"],
            hole_A_per_cm2=J["hole"], ionic_A_per_cm2=ions,
            displacement_A_per_cm2=J.get("displacement", 0.0))
        if pb.series.active:
            row["device_voltage_V"] = Vd
        if leak is not None:  # electrons entering the electrolyte, and the Li they reduce
            je = leak() * A_PER_CM2
            row["electrolyte_electron_A_per_cm2"] = je
            row["li_reduction_nm_per_h"] = li_reduction_rate_nm_per_h(je)
        rows.append(row)
        while state["next"] < len(t_grid) and t >= t_grid[state["next"]] * (1 - 1e-9):
            state["next"] += 1
            progress.step(f"t = {t:.3g} s  V = {terminal:+.4f} V  "
                          f"J = {J['total'] * A_PER_CM2:+.3e} A/cm2")

    def set_step_ratio(t_new: float, dt: float, order: int, ratio: float) -> None:
        state["ratio"] = ratio
        set_step(t_new, dt, order, ratio)

    cfg = StepperConfig(t_end=study.t_end, dt_initial=dt0, dt_min=dt0 * 1e-6, dt_max=study.dt_max,
                        tol=study.time_tolerance)
    stats = integrate(cfg, Callbacks(set_step_ratio, solve, pb.snapshot,
                                     pb.restore, predict, error, accept))
    progress.close()
    if stats_out is not None:
        stats_out.update({k: int(v) for k, v in stats.items()})
    log.info("transient: %d steps (%d rejected, %d failed solves, %d Newton iterations)",
             stats["steps"], stats["rejected"], stats["failed"], stats["newton_iterations"])
    pb.levels.set_step(1.0)
    pb.levels.steady()
    return rows


class TransientStudy(StudyKind):
    """Voltage or current waveform from equilibrium (``transient.csv``, I(t) / V(t) plots)."""

    name = "transient"
    table = "transient"

    def run(self, T: float, on_point: PointCallback | None = None) -> tuple[dict[str, Any], Any]:
        """Equilibrium and the waveform at ``T`` (K)."""
        return run_transient(self.pb, self.study, T)

    def temperature_figures(self, out: Path, case_name: str, entry: dict[str, Any],
                            suffix: str) -> None:
        """Chronoamperometry / chronopotentiometry plots of one temperature."""
        for e in (entry,):
            tr = e.get("transient", {})
            if not tr.get("time_s"):
                continue
            T = e["temperature_K"]
            parts = {k.replace("_A_per_cm2", "").replace("current_density", "total"):
                     (tr["time_s"], np.abs(tr[k])) for k in
                     ("current_density_A_per_cm2", "electronic_A_per_cm2", "ionic_A_per_cm2",
                      "displacement_A_per_cm2")}
            galvano = e.get("control") == "current"
            kind = "chronopotentiometry" if galvano else "chronoamperometry"
            painter.draw("loglog", out / f"transient{suffix}.png", parts, "time t (s)",
                         "|J| (A cm⁻²)", f"{case_name}: {kind} at {T:g} K")
            if galvano:
                painter.draw("xy", out / f"transient_voltage{suffix}.png",
                             {f"{T:g} K": (tr["time_s"], tr["voltage_V"])}, "time t (s)",
                             "contact voltage (V)", f"{case_name}: {kind}", logx=True)

    @staticmethod
    def console(entry: dict[str, Any]) -> list[str]:
        """Steady voltage and ASR (current control) or the effective conductivity."""
        if entry.get("control") == "current":
            return [f"V_end = {entry['steady_voltage_V']:+.5g} V; "
                    f"ASR = {entry['area_specific_resistance_ohm_cm2']:.4g} ohm cm2"]
        if "effective_conductivity_S_per_cm" in entry:
            return [f"sigma_eff = {entry['effective_conductivity_S_per_cm']:.3g} S/cm"]
        return []
