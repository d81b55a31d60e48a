"""The largest electric field in each layer, to check against a film's dielectric strength."""

from __future__ import annotations

import numpy as np

import ufl
from dolfinx import fem
from mpi4py import MPI

from ..numerics import compat
from ..units import per_si
from .problem import DeviceProblem


class PeakFields:
    """Cell-averaged |E| maximised over each layer's cells (V/cm; the same on every rank).

    Args:
        pb: The device problem (forms compiled once; each call reads the present state).
    """

    def __init__(self, pb: DeviceProblem) -> None:
        V0 = compat.function_space(pb.dm.mesh, "DG", 0)
        q0 = ufl.TestFunction(V0)
        E = ufl.sqrt(ufl.dot(ufl.grad(pb.f.u), ufl.grad(pb.f.u)))
        self.pb = pb
        self.n_own = V0.dofmap.index_map.size_local
        self.forms = (fem.form(q0 * pb.dx), fem.form(E * q0 * pb.dx))
        self.layers = {name: compat.cell_dofs(V0, pb.dm.layer_cells(i))
                       for i, name in enumerate(pb.dm.layer_names)}
        self.scale = pb.scaling.V_ref / pb.scaling.L0 * per_si("field_V_per_cm")

    def __call__(self) -> dict[str, float]:
        """``{layer name: peak field (V/cm)}``."""
        from dolfinx.fem import petsc as fem_petsc

        vol, e = (fem_petsc.assemble_vector(f).array[: self.n_own] for f in self.forms)
        cell = e / vol * self.scale
        out = {}
        for name, dofs in self.layers.items():
            own = dofs[dofs < self.n_own]
            local = float(np.max(cell[own])) if own.size else 0.0
            out[name] = self.pb.comm.allreduce(local, op=MPI.MAX)
        return out
