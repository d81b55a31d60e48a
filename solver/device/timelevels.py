"""Previous time levels of a device and the BDF coefficients of its time derivatives.

The forms read ``d/dt x ~ inv_dt (a0 x + a1 x_old1 + a2 x_old2)`` from constants, so one
compiled form serves DC (``inv_dt = 0``), backward Euler and variable-step BDF2.
"""

from __future__ import annotations

import numpy as np

from dolfinx import fem

from ..numerics import compat
from .residual import TimeCoefficients


class TimeLevels:
    """The two previous states (totals, not corrections) and the BDF coefficients.

    Args:
        W: The coupled function space.
        t0: Time scale of the scaled equations (s).
    """

    def __init__(self, W: fem.FunctionSpace, t0: float) -> None:
        msh = W.mesh
        self.old1 = fem.Function(W, name="old1")
        self.old2 = fem.Function(W, name="old2")
        self.coefficients = TimeCoefficients(
            *(compat.constant(msh, v) for v in (0.0, 1.0, -1.0, 0.0)))
        self.t0 = t0

    def set_step(self, dt: float, order: int = 1, ratio: float = 1.0) -> None:
        """Coefficients for a step of ``dt`` seconds (order 1, or 2 with step ``ratio``).

        Args:
            dt: Time step (s).
            order: 1 (backward Euler) or 2 (variable-step BDF2).
            ratio: ``dt / dt_previous`` (BDF2).
        """
        w = ratio
        a = (1.0, -1.0, 0.0) if order == 1 else ((1 + 2 * w) / (1 + w), -(1 + w), w * w / (1 + w))
        c = self.coefficients
        c.inv_dt.value = self.t0 / dt
        c.a0.value, c.a1.value, c.a2.value = a

    def steady(self) -> None:
        """No time derivative (``inv_dt = 0``): the forms are the DC ones."""
        self.coefficients.inv_dt.value = 0.0

    def push(self, current: np.ndarray) -> None:
        """Shift levels: old2 <- old1 <- ``current`` (local values of the total state)."""
        self.old2.x.array[:] = self.old1.x.array
        self.old1.x.array[:] = current
        self.old1.x.scatter_forward()
        self.old2.x.scatter_forward()

    def extrapolate(self, ratio: float) -> np.ndarray:
        """Linear predictor ``old1 + ratio (old1 - old2)`` of the next state (local values)."""
        return self.old1.x.array + ratio * (self.old1.x.array - self.old2.x.array)
