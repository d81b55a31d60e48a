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
    """

    def __init__(self, msh, dx: ufl.Measure, magnitudes: Mapping[str, ufl.core.expr.Expr],
                 comm: MPI.Comm) -> None:
        V0 = compat.function_space(msh, "DG", 0)
        self.functions = (fem.Function(V0), fem.Function(V0))
        q0 = ufl.TestFunction(V0)
        self._forms = (fem.form(q0 * dx),
                       *(fem.form(magnitudes[k] * q0 * dx) for k in ("electron", "hole")))
        self.comm = comm

    def update(self) -> float:
        """Set the magnitudes from the current state; return their largest relative change."""
        from dolfinx.fem import petsc as fem_petsc

        vol, *parts = (fem_petsc.assemble_vector(f) for f in self._forms)
        change = 0.0
        for lag, part in zip(self.functions, parts, strict=True):
            n = len(part.array)
            new = np.abs(part.array[:n] / vol.array[:n])
            old = lag.x.array[:n]
            scale = max(float(np.max(new)), 1e-300)
            change = max(change, float(np.max(np.abs(new - old))) / scale)
            lag.x.array[:n] = new
            lag.x.scatter_forward()
        return self.comm.allreduce(change, op=MPI.MAX)


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
        rates = [b / a for a, b in zip(changes[-6:-1], changes[-5:]) if a > 0]
        r = max(rates) if len(rates) >= 3 else 0.5
        if c < 1e-12 or (r < 1 and c * r / (1 - r) < 1e-9) or (c < 1e-8 and r >= 0.5):
            # (the last: stagnation at the round-off floor of the current magnitudes)
            return NewtonResult(True, total, res.reason, res.max_update)
        if len(rates) >= 5 and min(rates) >= 0.999 and c > 1e-6:
            break
    return NewtonResult(False, total, -5, res.max_update)
