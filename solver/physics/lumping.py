"""Box-method lumping: reaction, charge and storage terms integrated over each node's dual cell.

The edge-averaged fluxes (:mod:`solver.physics.edges`) couple two nodes through the cotangent
weight ``omega_E``, which is the area of the Voronoi (dual) facet of edge E divided by its
length. The box method then needs the zeroth-order terms (recombination, space charge, storage)
integrated over the same dual cells: node i of simplex T owns the Voronoi part

    V_i^T = (1 / 2d) sum_{E at i} omega_E |e_E|^2,      sum_i V_i^T = |T|

(d the dimension; the sum over all edges is ``d |T|`` because the P1 stiffness form is exact
for the coordinate functions). Plain vertex quadrature gives every vertex ``|T| / (d + 1)``
instead: the same total, but on a graded extruded mesh the nodes on its free sides then receive
a different mix of the cells to their left and right than the nodes inside, so a function of x
alone is no longer a discrete solution there (a lumped doping step at a junction node gives a
spurious charge of a third of the doping at the boundary rows), and 2D currents drift from 1D by
up to 0.8 % (the 1e18 / 1e18 diode). With the Voronoi parts a structured 2D extrusion of a 1D
grid is exactly the 1D box scheme on every row (currents equal to 1e-14).

A triangle whose circumcentre lies outside it (obtuse) has a negative Voronoi part; it keeps
the vertex weights ``|T| / 3``, so every lumped weight stays positive (no sign change of a
charge or a rate). In 1D both rules are the trapezoid rule; tetrahedra keep the vertex weights
(see :func:`lumped_measure`).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

import ufl
from dolfinx import fem

from ..numerics import compat
from .edges import simplex_edges


def dual_fractions(X: np.ndarray) -> np.ndarray:
    """Lumped weight of each vertex of each simplex as a fraction of the simplex measure.

    Args:
        X: Vertex coordinates of the cells, shape ``(ncells, tdim + 1, gdim)``.

    Returns:
        ``(ncells, tdim + 1)``: the Voronoi parts ``V_i^T / |T|`` where all of a cell's are
        >= 0, else ``1 / (tdim + 1)`` for each vertex of that cell. Rows sum to 1.
    """
    ncells, nv, _ = X.shape
    tdim = nv - 1
    e, _, w = simplex_edges(X)
    frac = np.zeros((ncells, nv))
    for k, (i, j) in enumerate(combinations(range(nv), 2)):
        part = w[:, k] * np.einsum("ng,ng->n", e[:, k], e[:, k]) / (2 * tdim)
        frac[:, i] += part
        frac[:, j] += part
    # round-off: a right angle gives a weight of ~1e-17 instead of 0
    obtuse = np.any(frac < -1e-12, axis=1)
    frac[obtuse] = 1.0 / nv
    frac = np.clip(frac, 0.0, None)
    return frac / frac.sum(axis=1, keepdims=True)


class LumpedMeasure:
    """Vertex quadrature weighted per cell vertex by the dual-cell fractions.

    Used like a measure: ``expr * dxl`` is ``expr * ratio * dx_vertex``, where ``ratio`` is a
    DG1 function equal to ``(d + 1) V_i^T / |T|`` at vertex i of cell T (1 everywhere in 1D,
    where the plain vertex measure is returned instead).
    """

    def __init__(self, measure: ufl.Measure, ratio: fem.Function) -> None:
        self.measure, self.ratio = measure, ratio

    def __rmul__(self, integrand):
        return (integrand * self.ratio) * self.measure


def lumped_measure(msh) -> ufl.Measure | LumpedMeasure:
    """The lumped measure of a simplex mesh: dual-cell fractions on triangles, else vertices.

    Tetrahedra keep the vertex weights ``|T| / 4``: the meshes made here (prisms and boxes split
    into tetrahedra) have all vertices of a prism or box on one sphere, and there the per-cell
    Voronoi parts put the wrong total volume on nodes along the domain's edges (a Kuhn box gives
    its two diagonal ends |box| / 6 and the other corners |box| / 9, against |box| / 8), a fixed
    error that no refinement removes; the vertex weights give every node the integral of its hat
    function, and the extruded 3D diode converges to 1D with them.
    """
    tdim = msh.topology.dim
    dxv = ufl.Measure("dx", domain=msh, metadata=compat.vertex_quadrature_metadata(tdim))
    if tdim != 2:
        return dxv
    X = compat.cell_vertex_coordinates(msh)
    ratio = fem.Function(compat.function_space(msh, "DG", 1), name="dual_ratio")
    cells = np.arange(X.shape[0], dtype=np.int32)
    ratio.x.array[compat.cell_dofs(ratio.function_space, cells)] = (
        dual_fractions(X) * (tdim + 1)).ravel()
    return LumpedMeasure(dxv, ratio)
