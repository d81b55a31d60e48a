"""Which unknowns are fixed, and the ion-conservation rows of blocking cells.

The coupled unknown is ``base + sol``; Newton moves ``sol`` only, so every fixed degree of
freedom gets a homogeneous Dirichlet condition on ``sol`` while ``base`` carries its value:
the potential at pinned contacts, the quasi-Fermi potentials at ohmic ones, and the ion
electrochemical potentials outside the electrolytes (where no ions live).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dolfinx import fem
from mpi4py import MPI

from ..case import Case
from ..geometry.mesh import DeviceMesh
from ..numerics import compat
from ..numerics.constraints import make_constraint
from .contacts import ContactState


@dataclass
class DirichletSets:
    """Homogeneous conditions of ``sol`` and the dof sets they fix.

    Attributes:
        bcs: The Dirichlet conditions.
        contact_dofs: ``(contact, component) -> dofs`` fixed at contacts.
        ion_fixed: Species index -> its dofs outside the electrolytes.
        free: Mask over the local dofs of ``sol``: True where Newton may move it.
    """

    bcs: list
    contact_dofs: dict[tuple[str, int], np.ndarray]
    ion_fixed: dict[int, np.ndarray]
    free: np.ndarray


def coupled_dirichlet(case: Case, dm: DeviceMesh, W: fem.FunctionSpace,
                      contacts: dict[str, ContactState], n_species: int) -> DirichletSets:
    """Fixed dofs of the coupled system.

    Pinned contacts fix ``u`` (and ``v``, ``w`` at ohmic ones); ion potentials are fixed on
    nodes outside electrolytes.
    """
    msh = dm.mesh
    fdim, tdim = msh.topology.dim - 1, msh.topology.dim
    zero = compat.constant(msh, 0.0)
    bcs, contact_dofs = [], {}
    for cs in contacts.values():
        facets = dm.facet_tags.find(cs.tag)
        for i in cs.law.fixed_components(cs.pinned):
            dofs = fem.locate_dofs_topological(W.sub(i), fdim, facets)
            bcs.append(fem.dirichletbc(zero, dofs, W.sub(i)))
            contact_dofs[(cs.name, i)] = np.asarray(dofs)
    electrolyte_cells = np.concatenate(
        [dm.layer_cells(i) for i, ly in enumerate(case.layers) if case.is_electrolyte(ly)]
        + [np.zeros(0, dtype=np.int32)])
    ion_fixed = {}
    for k in range(n_species):
        sub = W.sub(3 + k)
        inside = fem.locate_dofs_topological(sub, tdim, electrolyte_cells.astype(np.int32))
        fixed = np.setdiff1d(np.asarray(sub.collapse()[1]), inside).astype(np.int32)
        bcs.append(fem.dirichletbc(zero, fixed, sub))
        ion_fixed[k] = fixed
    n_local = (W.dofmap.index_map.size_local + W.dofmap.index_map.num_ghosts) \
        * W.dofmap.index_map_bs
    free = np.ones(n_local, dtype=bool)
    for dofs in [*contact_dofs.values(), *ion_fixed.values()]:
        free[dofs] = False
    return DirichletSets(bcs, contact_dofs, ion_fixed, free)


def equilibrium_dirichlet(V: fem.FunctionSpace, dm: DeviceMesh,
                          contacts: dict[str, ContactState]) -> list:
    """Potential pinned at the contacts without a Stern layer (equilibrium Poisson)."""
    fdim = dm.mesh.topology.dim - 1
    bcs = []
    for cs in contacts.values():
        if cs.pinned:
            dofs = fem.locate_dofs_topological(V, fdim, dm.facet_tags.find(cs.tag))
            bcs.append(fem.dirichletbc(cs.u, dofs, V))
    return bcs


def layer_nodal(V: fem.FunctionSpace, dm: DeviceMesh, values: list[float]) -> np.ndarray:
    """Nodal values (scalar P1 dofs, ghosts included) from one value per layer.

    Interface nodes take the value of the later layer.
    """
    out = np.zeros(V.dofmap.index_map.size_local + V.dofmap.index_map.num_ghosts)
    for i, value in enumerate(values):
        out[compat.cell_dofs(V, dm.layer_cells(i))] = value
    return out


def ion_conservation(case: Case, dm: DeviceMesh, W: fem.FunctionSpace, V: fem.FunctionSpace,
                     free: np.ndarray, amounts: list[Any], sol: fem.Function) -> list:
    """Conservation of each ion species in DC solves when every electrode blocks it.

    With blocking electrodes the DC ion equations fix the electrochemical potential only up to
    a constant; ``int c dx = N`` (N from the equilibrium at each temperature) closes the system
    on the row of one bulk node, the free ion dof nearest the first electrolyte's centre (see
    :mod:`solver.numerics.constraints`).

    Args:
        case: The case.
        dm: The mesh.
        W: The coupled space.
        V: The collapsed potential space.
        free: Free-dof mask of ``sol``.
        amounts: Per ion species (in order), the UFL form of its amount ``c dx``.
        sol: The Newton unknown.
    """
    comm = dm.mesh.comm
    nc = W.dofmap.index_map_bs
    inside = [i for i, ly in enumerate(case.layers) if case.is_electrolyte(ly)]
    X = W.tabulate_dof_coordinates()
    own = compat.cell_dofs(V, dm.layer_cells(inside[0]))
    pts = X[own] if len(own) else np.zeros((0, 3))
    s = comm.allreduce(pts.sum(axis=0), op=MPI.SUM)
    centre = s / max(comm.allreduce(len(pts), op=MPI.SUM), 1)
    x = np.linalg.norm(X - centre, axis=1)
    n_owned = W.dofmap.index_map.size_local * nc
    out = []
    for k, form in enumerate(amounts):
        dofs = np.asarray(W.sub(3 + k).collapse()[1])
        dofs = dofs[(dofs < n_owned) & free[dofs]]
        dist = x[dofs // nc]
        best = (float(dist.min()), comm.rank) if dofs.size else (np.inf, comm.rank)
        winner = comm.allreduce(best, op=MPI.MIN)[1]
        anchor = int(dofs[np.argmin(dist)]) if comm.rank == winner else None
        out.append(make_constraint(form, sol, anchor, comm))
    return out
