"""Integral constraints that replace one equation row of a Newton system.

An ion species between two ion-blocking electrodes has, at DC steady state, a zero-flux
Nernst-Planck equation whose solutions differ by a constant electrochemical potential: the
Jacobian is singular. The missing condition is conservation, ``int c dx = N``. A
:class:`RowConstraint` puts ``G(x) = int c dx - N`` into the residual row of one anchor dof of
that species and its gradient ``dG/dx`` (a dense row) into the Jacobian, which is exact (a
bordered Newton step) and costs one extra scalar and vector assembly per iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from . import compat


@dataclass
class RowConstraint:
    """``G(u) = value_form - target = 0`` on the row of dof ``anchor`` (global index).

    Attributes:
        value: Compiled scalar form of ``int c dx``.
        gradient: Compiled linear form of its derivative with respect to the unknown.
        anchor: Global row index (in the PETSc vector numbering), same on every rank.
        owner_local: Local index of the anchor on its owning rank, -1 elsewhere.
        target: The conserved amount.
    """

    value: object
    gradient: object
    anchor: int
    owner_local: int
    target: float = 0.0


def make_constraint(amount: ufl.Form, u: fem.Function, anchor_local: int | None,
                    comm: MPI.Comm) -> RowConstraint:
    """Build a constraint on the amount ``amount`` (a scalar form in ``u``).

    Args:
        amount: ``int c dx`` as a UFL form depending on ``u``.
        u: The Newton unknown.
        anchor_local: Local (owned) dof index of the anchor on the rank that chose it, else None.
        comm: Communicator.
    """
    V = u.function_space
    im, bs = V.dofmap.index_map, V.dofmap.index_map_bs
    start = im.local_range[0] * bs
    mine = start + anchor_local if anchor_local is not None else -1
    anchor = comm.allreduce(mine, op=MPI.MAX)
    grad = ufl.derivative(amount, u, ufl.TestFunction(V))
    return RowConstraint(value=fem.form(amount), gradient=fem.form(grad), anchor=anchor,
                         owner_local=anchor_local if anchor_local is not None else -1)


def apply_to_residual(c: RowConstraint, b: PETSc.Vec, comm: MPI.Comm) -> None:
    """Overwrite the anchor entry of the residual with ``G``."""
    g = compat.assemble_scalar(c.value, comm) - c.target
    if c.owner_local >= 0:
        b.array[c.owner_local] = g


def apply_to_jacobian(c: RowConstraint, A: PETSc.Mat, V: fem.FunctionSpace) -> None:
    """Replace the anchor row of ``A`` with the gradient of ``G`` (dense row)."""
    vec = fem_petsc.assemble_vector(c.gradient)
    vec.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    im, bs = V.dofmap.index_map, V.dofmap.index_map_bs
    start = im.local_range[0] * bs
    values = vec.getArray(readonly=True)
    nz = np.flatnonzero(values)
    A.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, False)
    A.zeroRows([c.anchor], diag=0.0)
    A.setValues([c.anchor], (start + nz).astype(PETSc.IntType), values[nz],
                addv=PETSc.InsertMode.INSERT)
    A.assemble()
    vec.destroy()
