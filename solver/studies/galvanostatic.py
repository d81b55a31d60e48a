"""Current control: find the contact bias that drives a given current (one implicit time step).

The coupled system stays voltage-driven (a Dirichlet bias on the contact); the secant of
:mod:`solver.numerics.terminal` on that bias matches the terminal current, displacement
included, to a relative tolerance.
"""

from __future__ import annotations

from ..device.problem import DeviceProblem
from ..numerics.newton import NewtonResult
from ..numerics.terminal import solve_terminal

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

    def evaluate(V: float) -> tuple[NewtonResult, float]:
        pb.set_device_bias(contact, V)
        res = pb.solve_transient_device()  # R_s only adds J R_s to the terminal voltage
        J = pb.terminal_current(contact, transient=True)["total"] if res.converged else 0.0
        return res, J

    out = solve_terminal(evaluate, pb.contacts[contact].bias, target,
                         tol=rtol * max(abs(target), scale, 1e-300), slope=slope,
                         first_probe=FIRST_PROBE_V, max_change=MAX_CHANGE_V,
                         max_iterations=max_iterations)
    return out.result, out.slope
