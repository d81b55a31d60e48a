"""Adaptive continuation in a scalar parameter (bias, temperature) with step halving.

From the last converged state, step toward each target; on a failed Newton solve restore the
last converged state and halve the step; below the minimum step, stop with a report that names
the parameter value, PETSc's reason and what was tried. Every target reached is reported through
a callback before the next one is attempted, so nothing converged is ever lost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ConvergenceError
from .newton import NewtonResult


class ContinuationStopped(ConvergenceError):
    """A continuation could not reach a target; ``reached`` holds the last converged value."""

    def __init__(self, message: str, *, reason: int, reached: float, failed_at: float) -> None:
        super().__init__(message, reason=reason)
        self.reached, self.failed_at = reached, failed_at


def continue_to(targets: Sequence[float], start: float,
                solve_at: Callable[[float], NewtonResult], snapshot: Callable[[], Any],
                restore: Callable[[Any], None], on_target: Callable[[float, int], None], *,
                max_step: float, min_step: float, label: str = "bias",
                unit: str = "V") -> float:
    """Walk from ``start`` through ``targets`` in order.

    Args:
        targets: Values to reach, in order.
        start: Value of the current (converged) state.
        solve_at: Sets the parameter and solves; returns the Newton result.
        snapshot: Returns a copy of the current state.
        restore: Restores a copy made by ``snapshot``.
        on_target: Called with ``(value, newton_iterations_spent)`` at every target reached.
        max_step: Largest step.
        min_step: Smallest step before giving up.
        label: Parameter name for messages.
        unit: Parameter unit for messages.

    Returns:
        The last value reached.

    Raises:
        ContinuationStopped: When the step falls below ``min_step``.
    """
    current, state, step = start, snapshot(), max_step
    for target in targets:
        spent = 0
        while not math.isclose(current, target, rel_tol=0.0, abs_tol=1e-12):
            d = target - current
            trial = target if abs(d) <= step * (1 + 1e-9) else current + math.copysign(step, d)
            res = solve_at(trial)
            spent += res.iterations
            if res.converged:
                current, state = trial, snapshot()
                step = min(step * 1.5, max_step)
                continue
            restore(state)
            step *= 0.5
            if step < min_step:
                raise ContinuationStopped(
                    f"{label} continuation stopped at {trial:+.6g} {unit}: Newton failed there "
                    f"({res.reason_name} after {res.iterations} iterations) with steps halved "
                    f"down to {2 * step:.3g} {unit} (minimum {min_step:.3g}); last converged "
                    f"{label} {current:+.6g} {unit}. Try a smaller [solver] bias_step_V, a "
                    "smaller min_bias_step_V or a finer mesh",
                    reason=res.reason, reached=current, failed_at=trial)
        on_target(target, spent)
    return current
