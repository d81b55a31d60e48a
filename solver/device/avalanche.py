"""Impact ionisation as a fixed point over lagged cell current magnitudes.

Avalanche generation ``alpha_n |J_n| + alpha_p |J_p|`` is taken with |J_n|, |J_p| frozen per
cell (DG0) during a Newton solve; the DC state is then re-solved with updated magnitudes until
they stop changing. The iteration contracts with ratio r = the ionisation integral, so it
converges below breakdown and stalls (r -> 1) at it, which is how a breakdown voltage shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

import ufl
from dolfinx import fem
from mpi4py import MPI

from ..numerics import compat
from ..numerics.newton import NewtonResult


class LaggedCurrents:
    """Cell-wise |J_n|, |J_p| (scaled) held fixed during a solve, and their update.

    Args:
        msh: The device mesh.
        dx: Cell measure for the cell averages.
        magnitudes: UFL |J| of ``"electron"`` and ``"hole"`` (scaled units).
        comm: Communicator of the mesh.
        alpha: UFL ``alpha_n + alpha_p`` (scaled by the device length), for the bound on the
            ionisation integral and the weights of the change (None: unknown).
    """

    def __init__(self, msh, dx: ufl.Measure, magnitudes: Mapping[str, ufl.core.expr.Expr],
                 comm: MPI.Comm, alpha: ufl.core.expr.Expr | None = None) -> None:
        V0 = compat.function_space(msh, "DG", 0)
        self.functions = (fem.Function(V0), fem.Function(V0))
        q0 = ufl.TestFunction(V0)
        self._forms = (fem.form(q0 * dx),
                       *(fem.form(magnitudes[k] * q0 * dx) for k in ("electron", "hole")))
        self._alpha = None if alpha is None else fem.form(alpha * q0 * dx)
        self.comm, self.tdim = comm, msh.topology.dim

    def update(self) -> float:
        """Set the magnitudes from the current state; return the largest relative change.

        With the ionisation coefficients known the change is that of the generation
        ``alpha |J|`` (cells without ionisation cannot matter, however their |J| jitters).
        """
        from dolfinx.fem import petsc as fem_petsc

        vol, *parts = (fem_petsc.assemble_vector(f) for f in self._forms)
        n = len(vol.array)
        weight = np.ones(n)
        if self._alpha is not None:
            weight = np.abs(fem_petsc.assemble_vector(self._alpha).array[:n] / vol.array[:n])
        change, scale = 0.0, 0.0
        for lag, part in zip(self.functions, parts, strict=True):
            new = np.abs(part.array[:n] / vol.array[:n])
            old = lag.x.array[:n]
            if n:
                change = max(change, float(np.max(weight * np.abs(new - old))))
                scale = max(scale, float(np.max(weight * new)))
            lag.x.array[:n] = new
            lag.x.scatter_forward()
        change = self.comm.allreduce(change, op=MPI.MAX)
        scale = self.comm.allreduce(scale, op=MPI.MAX)
        return change / scale if scale > 0 else 0.0

    def ionisation_bound(self) -> float:
        """Bound of the ionisation integral ``int (alpha_n + alpha_p) dl`` of any current path.

        1D: the integral across the device itself. 2D / 3D: ``max_cell(alpha) L`` (L the
        device's scaled extent, 1). It bounds the contraction ratio of the fixed point;
        ``inf`` when unknown.
        """
        if self._alpha is None:
            return float("inf")
        from dolfinx.fem import petsc as fem_petsc

        vol, a = (fem_petsc.assemble_vector(f) for f in (self._forms[0], self._alpha))
        n = len(a.array)
        if self.tdim == 1:
            return self.comm.allreduce(float(np.sum(a.array[:n])), op=MPI.SUM)
        local = float(np.max(a.array[:n] / vol.array[:n])) if n else 0.0
        return self.comm.allreduce(local, op=MPI.MAX)


def fixed_point(solve: Callable[[], NewtonResult], lagged: LaggedCurrents,
                max_rounds: int = 5000) -> NewtonResult:
    """Alternate DC Newton solves and magnitude updates until the magnitudes settle.

    Converged when the extrapolated remaining change ``c r / (1 - r)`` is below 1e-9
    (relative), r the observed contraction ratio; when r stays >= 0.999 the multiplication has
    run away (avalanche breakdown), reported as DIVERGED_MAX_IT (-5).

    Args:
        solve: One DC Newton solve at fixed magnitudes (leaves the state on success).
        lagged: The magnitudes the generation term reads.
        max_rounds: Most solves.

    Returns:
        Total Newton iterations, and the reason of the last solve (or -5 at breakdown).
    """
    total, changes = 0, []
    res = NewtonResult(False, 0, -5, np.inf)
    for _ in range(max_rounds):
        # solve with the magnitudes of the last converged state (never of a predictor)
        res = solve()
        total += res.iterations
        if not res.converged:
            return res
        changes.append(lagged.update())
        c = changes[-1]
        bound = 10.0 * lagged.ionisation_bound()  # paths in 2D / 3D may exceed L
        if bound < 1.0 and c * bound / (1.0 - bound) < 1e-9:
            # the contraction ratio is at most the ionisation integral: the rest is below 1e-9
            return NewtonResult(True, total, res.reason, res.max_update)
        rates = [b / a for a, b in zip(changes[-6:-1], changes[-5:]) if a > 0]
        r = max(rates) if len(rates) >= 3 else 0.5
        if c < 1e-12 or (r < 1 and c * r / (1 - r) < 1e-9) or (c < 1e-8 and r >= 0.5):
            # (the last: stagnation at the round-off floor of the current magnitudes)
            return NewtonResult(True, total, res.reason, res.max_update)
        if len(rates) >= 5 and min(rates) >= 0.999 and c > 1e-6:
            break
    return NewtonResult(False, total, -5, res.max_update)
