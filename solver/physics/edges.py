"""Edge-averaged finite elements (EAFE, Xu & Zikatanov 1999): the cell geometry they need.

On a P1 simplex the stiffness form is a sum over edges,
``int_T grad u . grad t = sum_E omega_E (u_j - u_i)(t_j - t_i)`` with the cotangent weights
``omega_E = -|T| grad(lambda_i) . grad(lambda_j)``. EAFE replaces each edge's difference of the
unknown by the exponentially fitted (Scharfetter-Gummel) flux along that edge. Because every
edge difference of a P1 field is ``grad(u) . e_E`` and every edge-midpoint value is
``u(centroid) + grad(u) . (m_E - centroid)``, the scheme is a one-point (centroid) UFL integral
once each cell carries its edge vectors ``e_E``, midpoint offsets ``d_E`` and weights
``w_E = omega_E / |T|`` as piecewise-constant (DG0) coefficients, which this module computes.
In 1D (one edge, ``w = 1 / h^2``) it is exactly the finite-volume SG box scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from dolfinx import fem

from ..numerics import compat


@dataclass
class EdgeGeometry:
    """Per-cell edge data as DG0 functions: ``e[k]``, ``d[k]`` (vectors), ``w[k]`` (scalars)."""

    e: list[fem.Function]
    d: list[fem.Function]
    w: list[fem.Function]

    def __len__(self) -> int:
        return len(self.w)


def simplex_edges(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge vectors, midpoint offsets from the centroid and weights ``omega / |T|``.

    Args:
        X: Vertex coordinates of the cells, shape ``(ncells, tdim + 1, gdim)``.

    Returns:
        Arrays of shapes ``(ncells, nedges, gdim)``, ``(ncells, nedges, gdim)``,
        ``(ncells, nedges)``.
    """
    _, nv, gdim = X.shape
    tdim = nv - 1
    J = np.transpose(X[:, 1:, :] - X[:, :1, :], (0, 2, 1))  # (ncells, gdim, tdim)
    if gdim == tdim:
        Jinv = np.linalg.inv(J)  # (ncells, tdim, gdim)
    else:  # embedded: pseudo-inverse
        Jinv = np.linalg.pinv(J)
    ref = np.vstack([-np.ones((1, tdim)), np.eye(tdim)])  # grad of lambda_i on the reference
    grads = np.einsum("vt,ntg->nvg", ref, Jinv)  # (ncells, nv, gdim)
    centroid = X.mean(axis=1)
    pairs = list(combinations(range(nv), 2))
    e = np.stack([X[:, j] - X[:, i] for i, j in pairs], axis=1)
    d = np.stack([0.5 * (X[:, i] + X[:, j]) - centroid for i, j in pairs], axis=1)
    w = np.stack([-np.einsum("ng,ng->n", grads[:, i], grads[:, j]) for i, j in pairs], axis=1)
    return e, d, w


def edge_geometry(msh) -> EdgeGeometry:
    """Compute the EAFE cell data of a simplex mesh (local and ghost cells)."""
    X = compat.cell_vertex_coordinates(msh)
    e, d, w = simplex_edges(X)
    gdim = X.shape[2]
    Vv = compat.function_space(msh, "DG", 0, shape=(gdim,))
    Vs = compat.function_space(msh, "DG", 0)
    cells = np.arange(X.shape[0], dtype=np.int32)
    dv = compat.cell_dofs(Vv, cells)  # block dofs
    ds = compat.cell_dofs(Vs, cells)
    out = EdgeGeometry([], [], [])
    for k in range(e.shape[1]):
        fe, fd, fw = fem.Function(Vv), fem.Function(Vv), fem.Function(Vs)
        for f, data in ((fe, e[:, k]), (fd, d[:, k])):
            arr = f.x.array.reshape(-1, gdim)
            arr[dv] = data
        fw.x.array[ds] = w[:, k]
        out.e.append(fe)
        out.d.append(fd)
        out.w.append(fw)
    return out
