"""The terminal equation of a series resistance as one more row of Newton's system.

With a series resistance ``R`` (ohm m^2) in front of the driven contact, the device-side bias
``V_d`` is an unknown with its own equation

    g(x, V_d) = V_d + R J(x) - V_applied = 0,

``J`` the terminal current density of the state ``x`` (A/m^2). Newton's system is bordered by
one row and column: ``[[F_x, F_V], [R J_x, 1]] [dx, dV] = -[F, g]``. Block elimination with the
iteration's factorised Jacobian: ``dx = dx0 + dV t`` with ``dx0 = -F_x^{-1} F`` (SNES's own
direction) and ``t = -F_x^{-1} F_V`` the response to the bias (one residual and one pair of
triangular solves), and then

    dV = -(g + R J_x dx0) / (1 + R J_x t),

with ``J_x dx0`` and ``J_x t`` central differences of the terminal current (four cheap
functional assemblies). So the device solve and the terminal equation converge together,
quadratically, in the iterations of one Newton solve, instead of an outer secant of several
solves (:mod:`solver.numerics.terminal`, kept as the fallback).

The response ``t`` is a finite difference (relative error ~1e-5), so a step with a bias change
leaves the state that much off the device's solution at the new bias. A bias change below
``quiet`` (half the terminal tolerance) is therefore not made: the iteration is plain Newton at
a fixed bias, and a solve always ends on such an iteration (a bias change counts as an update
of at least ``quiet / V_ref``, above Newton's tolerance), so its state is exactly the device's
at its final bias (as with the secant), the terminal equation met to ``quiet``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from mpi4py import MPI
from petsc4py import PETSc

from .prediction import bias_response

if TYPE_CHECKING:
    from ..numerics.newton import NewtonSolver
    from .problem import DeviceProblem

#: state change of the current's directional differences (scaled units, largest entry)
PROBE = 1e-6
#: largest bias change per Newton iteration (V)
MAX_BIAS_STEP_V = 0.25


class TerminalBorder:
    """The terminal equation of contact ``name`` inside a running Newton solve.

    Args:
        pb: The device.
        solver: The Newton solver of the system (DC or transient).
        name: The driven contact.
        R: Total series resistance (ohm m^2).
        applied: The terminal voltage in front of the resistor (V).
        transient: Terminal current of a time step (displacement included).
        bracket: Device biases known to enclose the root (V), or None.
        quiet: Bias changes below this are not made (V; see the module docstring).
    """

    def __init__(self, pb: DeviceProblem, solver: NewtonSolver, name: str, R: float,
                 applied: float, *, transient: bool,
                 bracket: tuple[float, float] | None, quiet: float) -> None:
        self.pb, self.solver, self.name, self.R = pb, solver, name, R
        self.quiet = quiet
        self.applied, self.transient, self.bracket = applied, transient, bracket
        imap = pb.sol.function_space.dofmap.index_map
        self.owned = imap.size_local * pb.sol.function_space.dofmap.index_map_bs
        self.free = np.asarray(pb.free_dofs, dtype=float)
        self.corrections = 0

    def current(self) -> float:
        """Terminal current density of the present state (A/m^2)."""
        return self.pb.terminal_current(self.name, transient=self.transient)["total"]

    def residual(self) -> float:
        """``V_d + R J - V_applied`` of the present state (V)."""
        return self.pb.contacts[self.name].bias + self.R * self.current() - self.applied

    def _slope(self, d: np.ndarray) -> float:
        """``J_x d``: the current's change along the state change ``d`` (local, scaled).

        A central difference (error ~PROBE^2): at an iterate the current carries the weighted
        residual of the continuity equations, so ``J_x d`` can be far larger than ``J``, and a
        one-sided difference's relative error (~PROBE) would show in the bias update.
        """
        big = self.pb.comm.allreduce(float(np.max(np.abs(d))) if d.size else 0.0, op=MPI.MAX)
        if not big > 0:
            return 0.0
        h = PROBE / big
        sol = self.pb.sol.x.array
        held = sol.copy()
        try:
            sol += h * d
            J1 = self.current()
            sol[:] = held - h * d
            J2 = self.current()
        finally:
            sol[:] = held
        return (J1 - J2) / (2.0 * h)

    def correct(self, y: PETSc.Vec) -> float:
        """Eliminate the bias from the Newton direction ``y`` (update ``-y``) and move it.

        Returns:
            The bias update in scaled units (|dV| / V_ref; 0 when none is made).
        """
        pb, R = self.pb, self.R
        V = pb.contacts[self.name].bias
        J0 = self.current()
        g = V + R * J0 - self.applied
        step = y.copy()
        step.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        with step.localForm() as loc:
            dx0 = -loc.array.copy()
        step.destroy()
        a = self._slope(dx0)
        t = bias_response(pb, self.name, self.solver, mid_iteration=True)
        b = self._slope(t)
        dV = -(g + R * a) / (1.0 + R * b)
        if not (math.isfinite(dV) and 1.0 + R * b > 0):
            # no usable slope (a device cannot have a negative differential conductance
            # large enough to cancel 1/R here): keep the bias, never converge on it; the
            # caller falls back to the secant of whole solves
            return math.inf
        dV = max(-MAX_BIAS_STEP_V, min(MAX_BIAS_STEP_V, dV))
        if self.bracket is not None:
            dV = min(max(V + dV, self.bracket[0]), self.bracket[1]) - V
        if abs(dV) < self.quiet:
            return 0.0  # plain Newton at this bias (see the module docstring)
        self.corrections += 1
        arr = y.getArray()
        arr -= dV * (t * self.free)[: self.owned]  # -y = dx0 + dV t on the free dofs
        pb.set_device_bias(self.name, V + dV)
        pb.base.x.scatter_forward()
        return abs(dV) / pb.scaling.V_ref
