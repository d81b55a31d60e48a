"""Adaptive, error-controlled implicit time integration (variable-step BDF2, BDF1 start).

The integrator knows nothing about devices: it calls back to set the step, solve, save and
restore states and measure the error. Error control compares the converged step with the linear
extrapolation of the last two steps (Milne's device for BDF2 with a linear predictor) in a
user norm (scaled potentials and terminal current), accepts when it is below ``tol`` and picks
the next step from ``(tol / err)^(1/3)``, clamped so the step ratio stays below 2 (BDF2 is
zero-stable up to 1 + sqrt(2)). A failed Newton solve quarters the step. Nanoseconds to a day in
one run is ~100-300 steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ConvergenceError


@dataclass
class StepperConfig:
    """Integrator settings (times in seconds)."""

    t_end: float
    dt_initial: float
    dt_min: float
    dt_max: float
    tol: float = 1e-2
    max_steps: int = 20000


@dataclass
class Callbacks:
    """What the integrator needs from a problem.

    Attributes:
        set_step: ``(t_new, dt, order, ratio)``: prepare the implicit step to ``t_new``.
        solve: Solve the step; returns an object with ``converged``, ``reason_name``,
            ``iterations``.
        snapshot: Copy of the current state.
        restore: Restore a copy.
        predict: ``(ratio)``: set the state to the linear extrapolation of the last two accepted
            states (the Newton initial guess and the error reference).
        error: ``(predicted_state)``: error norm of the current (solved) state against the
            prediction; the tolerance applies to it.
        accept: ``(t)``: make the solved state the newest time level and record outputs.
    """

    set_step: Callable[[float, float, int, float], None]
    solve: Callable[[], Any]
    snapshot: Callable[[], Any]
    restore: Callable[[Any], None]
    predict: Callable[[float], None]
    error: Callable[[Any], float]
    accept: Callable[[float], None]


def integrate(cfg: StepperConfig, cb: Callbacks, t0: float = 0.0) -> dict[str, int]:
    """Integrate from ``t0`` to ``cfg.t_end``.

    Returns:
        Counters: accepted steps, rejected steps (error), failed solves.

    Raises:
        ConvergenceError: When the step falls below ``dt_min``.
    """
    t, dt, dt_prev = t0, cfg.dt_initial, None
    stats = {"steps": 0, "rejected": 0, "failed": 0, "newton_iterations": 0}
    while t < cfg.t_end * (1 - 1e-12):
        if stats["steps"] + stats["rejected"] + stats["failed"] > cfg.max_steps:
            raise ConvergenceError(f"time integration exceeded {cfg.max_steps} steps at "
                                   f"t = {t:.4g} s")
        dt = min(dt, cfg.dt_max, cfg.t_end - t)
        if dt_prev is not None:
            dt = min(dt, 2.0 * dt_prev)
        order = 1 if dt_prev is None else 2
        ratio = 1.0 if dt_prev is None else dt / dt_prev
        saved = cb.snapshot()
        if order == 2:
            cb.predict(ratio)
        predicted = cb.snapshot()
        cb.set_step(t + dt, dt, order, ratio)
        res = cb.solve()
        stats["newton_iterations"] += res.iterations
        if not res.converged:
            stats["failed"] += 1
            cb.restore(saved)
            dt *= 0.25
            if dt < cfg.dt_min:
                raise ConvergenceError(
                    f"time step fell below {cfg.dt_min:.3g} s at t = {t:.6g} s: Newton failed "
                    f"({res.reason_name} after {res.iterations} iterations); try another "
                    "[study] dt_initial_s (steps far below the dielectric relaxation time "
                    "drown in round-off) or a looser time_tolerance")
            continue
        err = cb.error(predicted) if order == 2 else 0.0
        factor = 2.0 if err == 0 else min(2.0, max(0.2, 0.9 * (cfg.tol / err) ** (1 / 3)))
        if err > cfg.tol:
            stats["rejected"] += 1
            cb.restore(saved)
            dt *= factor
            if dt < cfg.dt_min:
                raise ConvergenceError(f"error control pushed the step below {cfg.dt_min:.3g} s "
                                       f"at t = {t:.6g} s")
            continue
        t += dt
        stats["steps"] += 1
        cb.accept(t)
        dt_prev, dt = dt, dt * factor
        if math.isclose(t, cfg.t_end, rel_tol=1e-12):
            break
    return stats
