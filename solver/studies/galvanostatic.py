"""Current control: find the contact bias that drives a given current (one implicit time step).

The coupled system stays voltage-driven (a Dirichlet bias on the contact); an outer secant
iteration on that bias matches the terminal current, displacement included, to a relative
tolerance. Each evaluation is a Newton solve started from the previous one, so after the first
steps of a transient the secant needs two or three cheap solves.
"""

from __future__ import annotations

import math

from ..device.problem import DeviceProblem
from ..numerics.newton import NewtonResult

FIRST_PROBE_V = 1e-3  # first bias change when no slope is known yet (V)
MAX_CHANGE_V = 0.5  # largest bias change per secant iteration (V)


def solve_at_current(pb: DeviceProblem, contact: str, target: float, scale: float,
                     rtol: float = 1e-6, max_iterations: int = 30,
                     slope: float | None = None) -> tuple[NewtonResult, float | None]:
    """Solve the current time step with the terminal current of ``contact`` equal to ``target``.

    Args:
        pb: The problem, time-step coefficients set, bias of ``contact`` at its initial guess.
        contact: The current-controlled contact.
        target: Current density into the device at ``contact`` (A/m^2).
        scale: Current density (A/m^2) the tolerance refers to when ``target`` is near zero.
        rtol: Relative tolerance on the current.
        max_iterations: Most secant iterations.
        slope: dJ/dV (A/m^2/V) from the previous step, if known.

    Returns:
        ``(result, slope)``: the Newton result of the last solve with the total iteration count
        (not converged if the secant failed) and the last secant slope.
    """
    tol = rtol * max(abs(target), scale, 1e-300)
    its = 0
    V, J = [], []
    res = None
    for _ in range(max_iterations):
        res = pb.solve_transient()
        its += res.iterations
        if not res.converged:
            return NewtonResult(False, its, res.reason, res.max_update), slope
        V.append(pb.contacts[contact].bias)
        J.append(pb.terminal_current(contact, transient=True)["total"])
        if abs(J[-1] - target) <= tol:
            return NewtonResult(True, its, res.reason, res.max_update), slope
        if len(V) >= 2 and V[-1] != V[-2] and J[-1] != J[-2]:
            slope = (J[-1] - J[-2]) / (V[-1] - V[-2])
        if slope is None or slope == 0.0 or not math.isfinite(slope):
            change = math.copysign(FIRST_PROBE_V, target - J[-1])
        else:
            change = (target - J[-1]) / slope
        change = max(-MAX_CHANGE_V, min(MAX_CHANGE_V, change))
        pb.set_bias(contact, V[-1] + change)
    return NewtonResult(False, its, -5, res.max_update if res else math.inf), slope
