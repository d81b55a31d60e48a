"""What goes into the field files: nodal scalars and cell-wise current density vectors (UFL)."""

from __future__ import annotations

from typing import Any

import numpy as np

import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc

from ..constants import q
from ..numerics import compat
from ..units import per_si
from .problem import DeviceProblem

A_PER_CM2 = per_si("current_density_A_per_cm2")  # A/m^2 -> A/cm^2


def scalar_fields(pb: DeviceProblem) -> dict[str, tuple[Any, float]]:
    """Nodal fields: name -> (UFL expression, factor to the output unit in the name).

    ``psi_V`` (vacuum level ``-q psi``), the quasi-Fermi potentials, band edges ``Ec_eV`` and
    ``Ev_eV`` (energies relative to the grounded equilibrium Fermi level, from the cell's
    affinity and gap, so heterointerface offsets appear as steps), ``n_cm3``, ``p_cm3`` and one
    concentration per ion species.
    """
    f, s, P = pb.f, pb.scaling, pb.P
    n, p, conc = pb.forms.densities(f)
    dens = s.C0 * 1e-6
    kT_over_V = 1.0 / P.beta  # k T / (q V_ref)
    out: dict[str, tuple[Any, float]] = {
        "psi_V": (f.u - s.chi_ref / (q * s.V_ref), s.V_ref),
        "phi_n_V": (f.v, s.V_ref), "phi_p_V": (f.w, s.V_ref),
        # eta_n = lnNc + (chi - chi_ref)/kT, eta_p = lnNv - (chi + Eg - chi_ref)/kT
        "Ec_eV": (-(f.u + (P.eta_n - P.lnNc) * kT_over_V), s.V_ref),
        "Ev_eV": (-(f.u - (P.eta_p - P.lnNv) * kT_over_V), s.V_ref),
        "n_cm3": (n, dens), "p_cm3": (p, dens)}
    for name, c in conc.items():
        out[f"c_{name}_cm3"] = (c, dens)
    return out


def carriers(pb: DeviceProblem) -> list[str]:
    """Current-carrying species: electrons, holes and each mobile ion."""
    return ["electron", "hole", *(name for name, _ in pb.species)]


def vector_fields(pb: DeviceProblem) -> dict[str, tuple[list[Any], float]]:
    """Cell-wise current density vectors: name -> (UFL components, factor to A/cm^2).

    The components are the edge-averaged (EAFE) fluxes of the discretisation itself, so the
    vectors are the currents the solver conserves, not a post-processed gradient.
    """
    gdim = pb.dm.mesh.geometry.dim
    factor = pb.scaling.J0 * A_PER_CM2
    label = {"electron": "J_n", "hole": "J_p"}
    return {f"{label.get(c, 'J_' + c)}_A_per_cm2":
            ([pb.current_component(c, d) for d in range(gdim)], factor)
            for c in carriers(pb)}


class CellCurrents:
    """Cell averages of every carrier's current density vector (A/cm^2) on the owned cells.

    Forms are compiled once; :meth:`evaluate` assembles them for the current state.
    """

    def __init__(self, pb: DeviceProblem) -> None:
        V0 = compat.function_space(pb.dm.mesh, "DG", 0)
        q0 = ufl.TestFunction(V0)
        self.n_own = V0.dofmap.index_map.size_local
        self.dof_of_cell = compat.cell_dofs(V0, np.arange(self.n_own, dtype=np.int32))
        self.vol = fem_petsc.assemble_vector(fem.form(q0 * pb.dx)).getArray()[: self.n_own]
        self.factor = pb.scaling.J0 * A_PER_CM2
        self.forms = {c: [fem.form(comp * q0 * pb.dx) for comp in comps]
                      for c, (comps, _) in zip(carriers(pb), vector_fields(pb).values())}

    def evaluate(self) -> dict[str, np.ndarray]:
        """Carrier -> ``(n_owned_cells, gdim)`` current density (A/cm^2), by local cell."""
        out = {}
        d = self.dof_of_cell
        for c, forms in self.forms.items():
            cols = [fem_petsc.assemble_vector(f).getArray()[: self.n_own][d] / self.vol[d]
                    for f in forms]
            out[c] = np.column_stack(cols) * self.factor
        return out


class FieldSampler:
    """Every field of the current state on one grid, gathered on rank 0 (for field files).

    The grid is the mesh with the nodes of each layer kept apart (a node on an interface
    appears once per layer that touches it), so densities and band edges keep their steps at
    heterointerfaces and every nodal value is the solver's own expression (exponentials of the
    P1 unknowns with the layer's parameters) evaluated at that node: exact, and positive for
    densities by construction. Current densities are cell data (the EAFE cell averages).
    Coordinates are in nm.
    """

    def __init__(self, pb: DeviceProblem) -> None:
        self.pb = pb
        msh = pb.dm.mesh
        self.tdim = msh.topology.dim
        self.n_own = msh.topology.index_map(self.tdim).size_local
        self.cells = np.arange(self.n_own, dtype=np.int32)
        ref = compat.reference_vertices(msh)
        self.scalars = {name: (fem.Expression(expr, ref), factor)
                        for name, (expr, factor) in scalar_fields(pb).items()}
        self.currents = CellCurrents(pb)
        self.labels = dict(zip(carriers(pb), vector_fields(pb), strict=True))
        geo = compat.cell_geometry_nodes(msh)[: self.n_own]
        gid = compat.input_node_indices(msh)[geo]
        X = np.asarray(msh.geometry.x)[geo] * pb.scaling.L0 * 1e9
        layer = np.full(self.n_own, -1, dtype=np.int64)
        tags = pb.dm.cell_tags
        own = tags.indices < self.n_own
        layer[tags.indices[own]] = tags.values[own] - 1
        gathered = pb.comm.gather((gid, X, layer), root=0)
        self.grid: dict[str, Any] | None = None
        if pb.comm.rank == 0:
            gid = np.concatenate([g[0] for g in gathered])
            X = np.concatenate([g[1] for g in gathered])
            layer = np.concatenate([g[2] for g in gathered])
            nv = gid.shape[1]
            keys = np.column_stack([gid.ravel(), np.repeat(layer, nv)])
            uniq, first, inverse = np.unique(keys, axis=0, return_index=True,
                                              return_inverse=True)
            points = np.zeros((len(uniq), 3))
            points[:, : X.shape[2]] = X.reshape(-1, X.shape[2])[first]
            self._first = first  # flat (cell, vertex) sample taken for each grid point
            self.grid = {"points": points, "cells": inverse.reshape(-1, nv),
                         "layer": layer, "layer_names": list(pb.dm.layer_names)}

    def sample(self) -> dict[str, Any] | None:
        """The grid with ``point_data`` and ``cell_data`` of the current state (rank 0)."""
        local = {name: compat.expression_eval(E, self.pb.dm.mesh, self.cells) * factor
                 for name, (E, factor) in self.scalars.items()}
        J = self.currents.evaluate()
        gathered = self.pb.comm.gather((local, J), root=0)
        if self.grid is None:
            return None
        point_data = {name: np.concatenate([g[0][name] for g in gathered]).ravel()[self._first]
                      for name in self.scalars}
        cell_data: dict[str, np.ndarray] = {"layer": self.grid["layer"]}
        for carrier, label in self.labels.items():
            Jc = np.concatenate([g[1][carrier] for g in gathered])
            vec = np.zeros((len(Jc), 3))
            vec[:, : Jc.shape[1]] = Jc
            cell_data[label] = vec
        return {**self.grid, "point_data": point_data, "cell_data": cell_data}
