"""The DC bias walk shared by the sweeping study kinds: both branches from equilibrium."""

from __future__ import annotations

import logging
from typing import Any

from ..case import SolverOptions
from ..device.peakfield import PeakFields
from ..device.prediction import bias_response, predict_bias
from ..device.problem import DeviceProblem
from ..numerics.continuation import ContinuationStopped, Reached, StepControl, continue_to
from ..results.progress import Progress
from ..units import in_key_units, per_si

log = logging.getLogger(__name__)

A_PER_CM2 = per_si("current_density_A_per_cm2")  # A/m^2 -> A/cm^2


def step_control(solver: SolverOptions) -> StepControl:
    """The bias steps of a case's ``[solver]`` section (V)."""
    return StepControl(first=solver.bias_step, largest=solver.max_bias_step,
                       smallest=solver.min_bias_step)


def sweep(pb: DeviceProblem, contact: str, voltages: list[float], progress: Progress,
          on_point=None) -> tuple[list[dict[str, float]], list[str]]:
    """Bias sweep from the current (equilibrium) state: forward branch, then reverse branch.

    Each branch starts from the equilibrium solution and walks away from 0 V, so a failure on
    one branch still leaves the other. Points are kept as they converge.

    Args:
        pb: The device problem, solved at equilibrium.
        contact: Biased contact.
        voltages: Biases (V).
        progress: Progress reporter.
        on_point: Optional callback ``(V, record)`` after each converged point.

    Returns:
        ``(records, problems)``: per-bias records sorted by bias, and messages of branches that
        stopped early.
    """
    eq_state = pb.snapshot()
    # (device bias, state, d(state)/dV) of converged points, for the predictor
    eq_point = (0.0, pb.solution_array(), bias_response(pb, contact))  # right after equilibrium
    volts = sorted(set(voltages))
    branches = [[v for v in volts if v >= 0], [v for v in volts if v < 0][::-1]]
    records: list[dict[str, float]] = []
    problems: list[str] = []
    control = step_control(pb.case.solver)
    history: list[tuple[float, Any, Any]] = []
    krylov = [pb.linear_stats()["krylov_iterations"]]  # at the previous point
    peak = PeakFields(pb)

    def solve_at(V: float):
        predict_bias(pb, contact, V, history)
        res = pb.solve()
        if res.converged:
            history.append((pb.contacts[contact].bias, pb.solution_array(),
                            bias_response(pb, contact)))
            del history[:-2]
        return res

    def on_target(V: float, spent: Reached) -> None:
        J = pb.terminal_current(contact)
        rec: dict[str, float] = in_key_units(
            voltage_V=V, current_density_A_per_cm2=J["total"],
            electron_current_density_A_per_cm2=J["electron"],
            hole_current_density_A_per_cm2=J["hole"])
        if pb.series.active:  # the bias the device itself sees, behind R_s
            rec["device_voltage_V"] = pb.contacts[contact].bias
        rec["newton_iterations"] = spent.iterations
        rec["bias_steps"] = spent.steps
        ionic = sum(v for k, v in J.items() if k not in ("total", "electron", "hole"))
        if pb.species:
            rec.update(in_key_units(ionic_current_density_A_per_cm2=ionic))
        for name, F in peak().items():  # against each film's dielectric strength
            rec[f"peak_field_{name}_V_per_cm"] = F
        records.append(rec)
        steps = f", {spent.steps} steps, last {spent.last_step:.3g} V" if spent.steps > 1 else ""
        failed = f", {spent.failed} failed" if spent.failed else ""
        lin = pb.linear_stats()
        if lin["krylov_per_newton"] is not None:  # iterative linear solver
            per = (lin["krylov_iterations"] - krylov[0]) / max(spent.iterations, 1)
            failed += f", {per:.1f} Krylov/it"
            krylov[0] = lin["krylov_iterations"]
        progress.step(f"V = {V:+.3f} V  J = {rec['current_density_A_per_cm2']:+.3e} A/cm2 "
                      f"({spent.iterations} it{steps}{failed})")
        if on_point:
            on_point(V, rec)

    for branch in branches:
        if not branch:
            continue
        pb.restore(eq_state)
        pb.set_bias(contact, 0.0)
        history[:] = [eq_point]
        try:
            continue_to(branch, 0.0, solve_at, pb.snapshot, pb.restore, on_target, control)
        except ContinuationStopped as exc:
            problems.append(str(exc))
            log.warning("%s", exc)
    pb.restore(eq_state)
    pb.set_bias(contact, 0.0)
    records.sort(key=lambda r: r["voltage_V"])
    return records, problems
