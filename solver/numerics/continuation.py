"""Adaptive continuation in a scalar parameter (bias, temperature): steps grow and halve.

From the last converged state, step toward each target. A step that converges in few Newton
iterations (``fast_iterations``) makes the next one ``growth`` times longer, up to
``max_step`` and below the last step that failed (tried again after a few fast steps); a
failed Newton solve restores the last converged state and halves the step;
below the minimum step the walk stops with a report that names the parameter value, PETSc's
reason and what was tried. Every target reached is reported through a callback (with the
Newton iterations and steps it took) before the next one is attempted, so nothing converged
is ever lost. The caller's ``solve_at`` sets the parameter and makes its own initial guess
(a predictor: secant from the last converged points, see
:func:`solver.device.prediction.predict_bias`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConvergenceError
from .newton import NewtonResult

RETRY_AFTER = 3  # fast steps in a row before a step size that failed is tried again


class ContinuationStopped(ConvergenceError):
    """A continuation could not reach a target; ``reached`` holds the last converged value."""

    def __init__(self, message: str, *, reason: int, reached: float, failed_at: float) -> None:
        super().__init__(message, reason=reason)
        self.reached, self.failed_at = reached, failed_at


@dataclass(frozen=True)
class StepControl:
    """Step sizes of a continuation (in the parameter's unit).

    Attributes:
        first: Size of the first step of a walk.
        largest: Largest step (growth stops there).
        smallest: Smallest step before giving up.
        fast_iterations: A step converged in at most this many Newton iterations lets the next
            step grow.
        growth: Growth factor of the step after a fast one.
    """

    first: float
    largest: float
    smallest: float
    fast_iterations: int = 6
    growth: float = 2.0


@dataclass
class Reached:
    """How a target was reached: Newton iterations and steps spent since the previous one.

    Attributes:
        iterations: Newton iterations of every attempt (failed ones included).
        steps: Converged steps.
        failed: Failed attempts (each halved the step).
        last_step: Size of the step that reached the target.
    """

    iterations: int = 0
    steps: int = 0
    failed: int = 0
    last_step: float = 0.0


def continue_to(targets: Sequence[float], start: float,
                solve_at: Callable[[float], NewtonResult], snapshot: Callable[[], Any],
                restore: Callable[[Any], None], on_target: Callable[[float, Reached], None],
                control: StepControl, *, label: str = "bias", unit: str = "V",
                hint: str = "a smaller [solver] bias_step_V, a smaller min_bias_step_V or a "
                            "finer mesh") -> float:
    """Walk from ``start`` through ``targets`` in order.

    Args:
        targets: Values to reach, in order.
        start: Value of the current (converged) state.
        solve_at: Sets the parameter and solves; returns the Newton result.
        snapshot: Returns a copy of the current state.
        restore: Restores a copy made by ``snapshot``.
        on_target: Called with ``(value, Reached)`` at every target reached.
        control: Step sizes.
        label: Parameter name for messages.
        unit: Parameter unit for messages.
        hint: What to try when the walk stops (for the message).

    Returns:
        The last value reached.

    Raises:
        ContinuationStopped: When the step falls below ``control.smallest``.
    """
    current, state = start, snapshot()
    step = min(control.first, control.largest)
    ceiling, fast = math.inf, 0  # the last step that failed; fast steps since
    for target in targets:
        spent = Reached()
        while not math.isclose(current, target, rel_tol=0.0, abs_tol=1e-12):
            d = target - current
            trial = target if abs(d) <= step * (1 + 1e-9) else current + math.copysign(step, d)
            res = solve_at(trial)
            spent.iterations += res.iterations
            if res.converged:
                spent.steps += 1
                spent.last_step = abs(trial - current)
                current, state = trial, snapshot()
                fast = fast + 1 if res.iterations <= control.fast_iterations else 0
                if fast >= RETRY_AFTER:  # easy going for a while: try the failed size again
                    ceiling = math.inf
                if fast and step * control.growth < ceiling * (1 - 1e-9):
                    step = min(step * control.growth, control.largest)
                continue
            restore(state)
            spent.failed += 1
            ceiling, fast = abs(trial - current), 0
            step = 0.5 * ceiling
            if step < control.smallest:
                raise ContinuationStopped(
                    f"{label} continuation stopped at {trial:+.6g} {unit}: Newton failed there "
                    f"({res.reason_name} after {res.iterations} iterations) with steps halved "
                    f"down to {2 * step:.3g} {unit} (minimum {control.smallest:.3g}); last "
                    f"converged {label} {current:+.6g} {unit}. Try {hint}",
                    reason=res.reason, reached=current, failed_at=trial)
        on_target(target, spent)
    return current
