"""Series (contact and lead) resistance, solved self-consistently with the device.

Each contact may carry an area-specific resistance ``R_s(T)`` (ohm m^2, Arrhenius in T). In a
two-terminal device only the potential difference between the contacts matters, so the
resistances of all contacts are lumped in front of the driven contact (the one with a nonzero
applied bias): the device sees ``V_d`` with

    V_d + R_tot J(V_d) = V_applied,

``J`` the terminal current density entering at the driven contact (displacement included in
transients). The equation is one more row of Newton's system, with ``V_d`` its unknown
(:mod:`.border`): the device and its terminal converge together in one Newton solve. Should
that solve fail, the safeguarded secant of :mod:`solver.numerics.terminal` takes over from the
state before it, each evaluation a Newton solve of the coupled system (in DC from the tangent
``d(state)/dV`` of the previous evaluation). Either way to ``1e-9 V`` (relative to the
applied bias above 1 V). In DC the root lies between 0 and ``V_applied`` (a passive device),
which brackets both.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..case import Case
from ..errors import CaseError
from ..numerics.newton import NewtonResult, NewtonSolver
from ..numerics.terminal import solve_terminal
from .border import TerminalBorder
from .prediction import bias_response, predict_device_bias

if TYPE_CHECKING:
    from .problem import DeviceProblem

log = logging.getLogger(__name__)


class SeriesResistance:
    """The lumped series resistance of a device and the solve of its terminal equation.

    Args:
        case: The case (its contacts' ``series_resistance*`` keys).
    """

    def __init__(self, case: Case) -> None:
        self.contacts = dict(case.contacts)
        self.active = any(c.series_resistance > 0 for c in self.contacts.values())
        if self.active and len(self.contacts) != 2:
            raise CaseError("series resistance needs a two-contact device", file=case.path,
                            key="contacts", hint="set series_resistance_ohm_cm2 on a device "
                            "with exactly two contacts")
        self.slope: float | None = None  # d(V_d + R J)/dV_d of the last solve
        self.history: list[tuple[float, float]] = []  # (applied, device) biases of DC solves
        self.evaluations = 0  # device solves of the last terminal solve

    def forget(self) -> None:
        """Drop the remembered slope and biases (a new temperature or equilibrium)."""
        self.slope, self.history = None, []

    def total(self, T: float) -> float:
        """Sum of the contacts' resistances at ``T`` (ohm m^2)."""
        return sum(c.series_resistance_at(T) for c in self.contacts.values())

    def per_contact(self, T: float) -> dict[str, float]:
        """Each contact's resistance at ``T`` (ohm m^2)."""
        return {n: c.series_resistance_at(T) for n, c in self.contacts.items()}

    def device_guess(self, applied: float, previous: float, device: float) -> float:
        """A first device-side bias (V) for the terminal voltage ``applied`` (V).

        Along a DC sweep, the line through the last two solved ``(applied, device)`` pairs;
        else the present drop (``previous - device``, the last applied and device biases)
        kept, where it is smaller than ``applied``.
        """
        h = self.history
        if len(h) >= 2 and previous == h[-1][0] and len({a for a, _ in h}) == len(h):
            guess = _extrapolate(h, applied)
            if min(0.0, applied) <= guess <= max(0.0, applied):
                return guess
        drop = previous - device
        return applied - drop if abs(drop) < abs(applied) else applied

    @staticmethod
    def driven(applied: dict[str, float]) -> str | None:
        """The contact with a nonzero applied bias (None at zero bias).

        Raises:
            CaseError: If more than one contact is biased (the lumping needs one ground).
        """
        biased = [n for n, V in applied.items() if V != 0.0]
        if len(biased) > 1:
            raise CaseError("with series resistance only one contact may be biased",
                            key="study.contact")
        return biased[0] if biased else None

    def solve(self, pb: DeviceProblem, device_solve: Callable[[], NewtonResult],
              solver: NewtonSolver, *, transient: bool = False) -> NewtonResult:
        """Solve the device and the terminal equation together at the applied biases.

        Args:
            pb: The device problem (applied biases set with ``set_bias``).
            device_solve: One Newton solve of the coupled system at the current device biases.
            solver: The Newton solver ``device_solve`` runs (it carries the terminal row).
            transient: Terminal current of a time step (displacement included).

        Returns:
            The Newton result, with the iterations of every device solve.
        """
        name = self.driven(pb.applied)
        if name is None:
            return device_solve()
        R = self.total(pb.temperature)
        Va = pb.applied[name]
        tol = 1e-9 * max(1.0, abs(Va))
        bracket = None if transient else (min(0.0, Va), max(0.0, Va))
        before = pb.snapshot()
        solver.border = border = TerminalBorder(pb, solver, name, R, Va, transient=transient,
                                                bracket=bracket, quiet=0.5 * tol)
        try:
            res = device_solve()
        finally:
            solver.border = None
        if res.converged and abs(border.residual()) <= tol:
            self.evaluations = 1
            if not transient:
                self.history = [*self.history[-2:], (Va, pb.contacts[name].bias)]
            return res
        log.debug("terminal row at %g V: %s after %d iterations; the secant takes over",
                  Va, res.reason_name, res.iterations)
        pb.restore(before)
        out = self._secant(pb, device_solve, name, R, Va, tol, transient)
        return NewtonResult(out.converged, out.iterations + res.iterations, out.reason,
                            out.max_update, out.linear_iterations + res.linear_iterations)

    def _secant(self, pb: DeviceProblem, device_solve: Callable[[], NewtonResult], name: str,
                R: float, Va: float, tol: float, transient: bool) -> NewtonResult:
        """The outer secant on the terminal equation, each evaluation a device solve."""
        last: list = []  # DC: (device bias, state, d(state)/dV) of the last converged solve

        def evaluate(Vd: float) -> tuple[NewtonResult, float]:
            if last:  # the secant's next bias is close: start from the tangent there
                predict_device_bias(pb, name, Vd, last[0])
            else:
                pb.set_device_bias(name, Vd)
            res = device_solve()
            if not res.converged:
                return res, math.nan
            if not transient:
                last[:] = [(Vd, pb.solution_array(), bias_response(pb, name))]
            return res, Vd + R * pb.terminal_current(name, transient=transient)["total"]

        bracket = None if transient else (min(0.0, Va), max(0.0, Va))
        start = pb.contacts[name].bias
        h = self.history
        if not transient and len(h) >= 2 and h[-1][0] != h[-2][0]:  # secant in V_applied
            start = h[-1][1] + (h[-1][1] - h[-2][1]) * (Va - h[-1][0]) / (h[-1][0] - h[-2][0])
        # the bias set_bias chose (the applied one less the last drop) matches the state the
        # caller predicted for it; at the bracket's edge (no drop known yet) it is still a bias
        if bracket is not None and not bracket[0] <= start <= bracket[1]:
            start = 0.5 * Va
        out = solve_terminal(evaluate, start, Va, tol=tol,
                             slope=self.slope, bracket=bracket,
                             first_probe=1e-3 * max(1.0, abs(Va)))
        self.evaluations = out.evaluations
        if out.result.converged:
            self.slope = out.slope
            if not transient:
                self.history = [*self.history[-1:], (Va, out.bias)]
        return out.result


def _extrapolate(points: list[tuple[float, float]], x: float) -> float:
    """The polynomial through ``points`` ((x, y) pairs, distinct x) at ``x`` (Lagrange)."""
    total = 0.0
    for i, (xi, yi) in enumerate(points):
        w = 1.0
        for j, (xj, _) in enumerate(points):
            if j != i:
                w *= (x - xj) / (xi - xj)
        total += w * yi
    return total
