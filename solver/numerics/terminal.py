"""A contact bias that makes a terminal quantity hit its target: safeguarded secant iteration.

The coupled system stays voltage-driven (a Dirichlet bias on a contact); an outer iteration on
that bias solves one scalar equation ``value(V) = target`` where ``value`` rises with ``V``:

- current control: ``value = J(V)``, the terminal current density;
- series resistance: ``value = V + R_s J(V)``, the terminal voltage in front of the resistor.

Each evaluation is a Newton solve started from the previous one, so after the first the secant
needs two or three cheap solves. A bracket (where known) turns a wild secant step into a
bisection; without one the step is bounded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .newton import NewtonResult


@dataclass
class TerminalResult:
    """Outcome of :func:`solve_terminal`.

    Attributes:
        result: The last Newton result, with the iteration count of all solves (not converged
            if a solve failed or the secant did not reach the tolerance).
        bias: The last bias tried (V).
        slope: The last secant slope d(value)/dV, for the next call.
        evaluations: Device solves made.
    """

    result: NewtonResult
    bias: float
    slope: float | None
    evaluations: int


def solve_terminal(evaluate: Callable[[float], tuple[NewtonResult, float]], start: float,
                   target: float, *, tol: float, slope: float | None = None,
                   bracket: tuple[float, float] | None = None, first_probe: float = 1e-3,
                   max_change: float = 0.5, max_iterations: int = 40) -> TerminalResult:
    """Find the bias ``V`` with ``value(V) = target`` (``value`` increasing in ``V``).

    Args:
        evaluate: Sets the bias, solves, returns ``(newton_result, value)``.
        start: First bias to try (V).
        target: The target value.
        tol: Absolute tolerance on the value.
        slope: A known d(value)/dV (from the previous call), if any.
        bracket: ``(lo, hi)`` biases known to enclose the root, if any.
        first_probe: Bias change of the second evaluation when no slope is known (V).
        max_change: Largest bias change per iteration without a bracket (V).
        max_iterations: Most evaluations.

    Returns:
        The outcome (see :class:`TerminalResult`).
    """
    lo, hi = bracket if bracket is not None else (-math.inf, math.inf)
    its, V, prev = 0, start, None
    res = NewtonResult(False, 0, -5, math.inf)
    for k in range(max_iterations):
        res, value = evaluate(V)
        its += res.iterations
        if not res.converged or not math.isfinite(value):
            return TerminalResult(NewtonResult(False, its, res.reason, res.max_update), V,
                                  slope, k + 1)
        miss = value - target
        if abs(miss) <= tol:
            return TerminalResult(NewtonResult(True, its, res.reason, res.max_update), V,
                                  slope, k + 1)
        if miss > 0:
            hi = min(hi, V)
        else:
            lo = max(lo, V)
        if prev is not None and V != prev[0] and value != prev[1]:
            s = (value - prev[1]) / (V - prev[0])
            if s > 0 and math.isfinite(s):
                slope = s
        prev = (V, value)
        if slope is None or not slope > 0 or not math.isfinite(slope):
            step = -math.copysign(first_probe, miss)
        else:
            step = -miss / slope
        if not (math.isfinite(lo) and math.isfinite(hi)):
            step = max(-max_change, min(max_change, step))
        trial = V + step
        if math.isfinite(lo) and math.isfinite(hi) and not lo < trial < hi:
            trial = 0.5 * (lo + hi)  # the secant left the bracket: bisect
        V = trial
    return TerminalResult(NewtonResult(False, its, -5, res.max_update), V, slope,
                          max_iterations)
