"""Stack -> distributed dolfinx mesh with layer (cell) and contact (facet) tags."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dolfinx import mesh as dmesh
from mpi4py import MPI

from ..case import Case
from ..numerics import compat
from .grading import stack_nodes

log = logging.getLogger(__name__)

#: facet tag values of the stack ends
LEFT, RIGHT = 1, 2


@dataclass
class DeviceMesh:
    """A tagged device mesh in scaled coordinates ``x / length``.

    Attributes:
        mesh: The dolfinx mesh (coordinates divided by ``length``).
        length: Length scale L0 (m): the stack thickness.
        cell_tags: Cell tag = layer index + 1.
        facet_tags: Facet tags LEFT / RIGHT at the stack ends.
        layer_names: Layer names in tag order.
        bounds: Layer boundaries in scaled coordinates.
        contact_tags: Contact name -> facet tag.
        num_nodes: Global number of nodes.
        interfaces: Indices ``i`` of the layer boundaries (between layers i and i+1) that carry a
            thin thermionic-emission interface cell; its cell tag is ``n_layers + 1 + k`` for the
            k-th entry.
    """

    mesh: dmesh.Mesh
    length: float
    cell_tags: Any
    facet_tags: Any
    layer_names: list[str]
    bounds: np.ndarray
    contact_tags: dict[str, int]
    num_nodes: int
    interfaces: list[int] = field(default_factory=list)
    interface_widths: list[float] = field(default_factory=list)
    contact_layers: dict[str, int] = field(default_factory=dict)

    def layer_cells(self, index: int) -> np.ndarray:
        """Local cell indices of layer ``index`` (0-based)."""
        return self.cell_tags.find(index + 1)

    def interface_cells(self, k: int) -> np.ndarray:
        """Local cell indices of the k-th thermionic interface cell."""
        return self.cell_tags.find(len(self.layer_names) + 1 + k)


def thermionic_interfaces(case: Case) -> list[int]:
    """Layer boundaries that get a thermionic interface cell (band edges differ across them)."""
    if case.physics.heterointerface != "thermionic":
        return []
    out = []
    for i in range(len(case.layers) - 1):
        a = case.materials.get(case.layers[i].material)
        b = case.materials.get(case.layers[i + 1].material)
        if a.chi != b.chi or a.chi + a.Eg != b.chi + b.Eg:
            out.append(i)
    return out


def build_stack_mesh(case: Case, comm: MPI.Comm, nodes: np.ndarray | None = None) -> DeviceMesh:
    """Build the graded 1D mesh of ``case``'s stack, distributed over ``comm``.

    With thermionic heterointerfaces, each such boundary node is doubled: a cell of width
    ``1e-3`` of the adjacent cell separates the two layers and carries the interface physics
    (see :mod:`solver.physics.interfaces`).

    Args:
        case: The case.
        comm: Communicator.
        nodes: Explicit node coordinates (m), sorted, including every layer boundary (for
            comparisons on a given mesh); default: graded from the case.
    """
    x, bounds = stack_nodes(case)
    if nodes is not None:
        x = np.asarray(nodes, dtype=float)
        missing = [b for b in bounds if np.min(np.abs(x - b)) > 1e-6 * bounds[-1]]
        if missing or x[0] != 0.0 or np.any(np.diff(x) <= 0):
            raise ValueError("explicit nodes must be increasing from 0 and hit every layer "
                             f"boundary (missing {missing})")
    length = float(bounds[-1])
    te = thermionic_interfaces(case)
    gaps = []
    for i in te:
        j = int(np.argmin(np.abs(x - bounds[i + 1])))
        delta = 1e-3 * (x[j + 1] - x[j])
        x = np.insert(x, j + 1, x[j] + delta)
        gaps.append((x[j] / length, (x[j] + delta) / length))
    msh = compat.create_interval_mesh(comm, x / length)
    sb = bounds / length
    tdim = msh.topology.dim
    ncells = compat.cell_count(msh)
    ghosts = msh.topology.index_map(tdim).num_ghosts
    cells = np.arange(ncells + ghosts, dtype=np.int32)
    mids = dmesh.compute_midpoints(msh, tdim, cells)[:, 0]
    layer = np.clip(np.searchsorted(sb, mids, side="right"), 1, len(case.layers))
    for k, (a, b) in enumerate(gaps):
        layer[(mids > a) & (mids < b)] = len(case.layers) + 1 + k
    cell_tags = compat.meshtags(msh, tdim, cells, layer.astype(np.int32))
    msh.topology.create_connectivity(tdim - 1, tdim)
    msh.topology.create_connectivity(tdim, tdim)  # dolfinx >= 0.9: cell dofs by cells
    left = dmesh.locate_entities_boundary(msh, tdim - 1, lambda p: np.isclose(p[0], 0.0))
    right = dmesh.locate_entities_boundary(msh, tdim - 1, lambda p: np.isclose(p[0], 1.0))
    facets = np.concatenate([left, right]).astype(np.int32)
    values = np.concatenate([np.full(len(left), LEFT), np.full(len(right), RIGHT)])
    facet_tags = compat.meshtags(msh, tdim - 1, facets, values)
    contact_tags = {c.name: (LEFT if c.at == "left" else RIGHT) for c in case.contacts.values()}
    contact_layers = {c.name: (0 if c.at == "left" else len(case.layers) - 1)
                      for c in case.contacts.values()}
    if comm.rank == 0:
        h = np.diff(x)
        log.info("mesh: %d nodes, %d layers, cells %.3g..%.3g nm, L = %.4g nm, %d rank(s)",
                 len(x), len(case.layers), h.min() * 1e9, h.max() * 1e9, length * 1e9,
                 comm.size)
    return DeviceMesh(mesh=msh, length=length, cell_tags=cell_tags, facet_tags=facet_tags,
                      layer_names=[ly.name for ly in case.layers], bounds=sb,
                      contact_tags=contact_tags, num_nodes=len(x) if comm.rank == 0 else 0,
                      interfaces=te, interface_widths=[b - a for a, b in gaps],
                      contact_layers=contact_layers)
