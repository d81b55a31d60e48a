"""Columns of prisms over a triangulated top view, split into conformal tetrahedra.

A top view (lateral nodes and triangles) is stacked into levels: node ``i`` of level ``k`` is
the global node ``k * n + i``. Each triangle between two levels is a prism, split into three
tetrahedra by the rule "every side quadrilateral is cut along the diagonal from its lower-index
bottom vertex to its higher-index top vertex", which depends only on the quadrilateral, so
neighbouring prisms agree (conformal). The nodes of a column need not lie on a vertical line:
the caller gives every node's coordinates (terrain-following levels, films offset along the
surface normal).
"""

from __future__ import annotations

from collections.abc import Sequence

import gmsh
import numpy as np


def prism_tetrahedra(triangles: np.ndarray, n_nodes: int, n_levels: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Tetrahedra of the prisms between consecutive levels.

    Args:
        triangles: ``(nt, 3)`` lateral node indices of the top-view triangles.
        n_nodes: Number of lateral nodes ``n``.
        n_levels: Number of levels (``n_levels - 1`` prism layers).

    Returns:
        ``(tets, interval)``: ``(3 nt (n_levels - 1), 4)`` global node indices and the level
        interval (0 ... n_levels - 2) of each tetrahedron.
    """
    a, b, c = np.sort(np.asarray(triangles, dtype=np.int64), axis=1).T
    tets, interval = [], []
    for k in range(n_levels - 1):
        lo, hi = k * n_nodes, (k + 1) * n_nodes
        for quad in ((a + lo, b + lo, c + lo, c + hi), (a + lo, b + lo, b + hi, c + hi),
                     (a + lo, a + hi, b + hi, c + hi)):
            tets.append(np.stack(quad, axis=1))
            interval.append(np.full(len(a), k))
    return np.concatenate(tets), np.concatenate(interval)


def signed_volumes(coords: np.ndarray, tets: np.ndarray) -> np.ndarray:
    """Six times the signed volume of each tetrahedron."""
    p = coords[tets]
    return np.einsum("ij,ij->i", np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]),
                     p[:, 3] - p[:, 0])


def orient(coords: np.ndarray, tets: np.ndarray) -> np.ndarray:
    """The tetrahedra with their last two vertices swapped where the volume is negative."""
    out = tets.copy()
    neg = signed_volumes(coords, tets) < 0.0
    out[neg, 2], out[neg, 3] = tets[neg, 3], tets[neg, 2]
    return out


def add_to_model(coords: np.ndarray, tets: np.ndarray, groups: Sequence[np.ndarray],
                 facets: Sequence[np.ndarray]) -> tuple[list[list[int]], list[list[int]]]:
    """Write nodes, tetrahedra (one discrete volume per group) and facet triangles to gmsh.

    Call inside a :func:`meshes._common.session`.

    Args:
        coords: ``(N, 3)`` node coordinates (nm).
        tets: ``(M, 4)`` node indices, positively oriented.
        groups: One boolean mask over ``tets`` per cell group.
        facets: One ``(m, 3)`` array of node indices per facet group.

    Returns:
        ``(cell entity tags per group, facet entity tags per group)`` for
        :func:`meshes._common.finish`.
    """
    model = gmsh.model
    node_group = np.full(len(coords), -1)
    for g, mask in enumerate(groups):
        node_group[tets[mask].ravel()] = g
    if np.any(node_group < 0):
        raise RuntimeError("columns: a node belongs to no cell")
    next_elem, cell_tags, facet_tags = 1, [], []
    for g in range(len(groups)):
        tag = g + 1
        model.addDiscreteEntity(3, tag)
        sel = np.flatnonzero(node_group == g)
        model.mesh.addNodes(3, tag, (sel + 1).tolist(), coords[sel].ravel().tolist())
    for g, mask in enumerate(groups):
        mine = tets[mask]
        model.mesh.addElementsByType(g + 1, 4, list(range(next_elem, next_elem + len(mine))),
                                     (mine + 1).ravel().tolist())
        next_elem += len(mine)
        cell_tags.append([g + 1])
    for f, tri in enumerate(facets):
        tag = f + 1
        model.addDiscreteEntity(2, tag)
        model.mesh.addElementsByType(tag, 2, list(range(next_elem, next_elem + len(tri))),
                                     (np.asarray(tri) + 1).ravel().tolist())
        next_elem += len(tri)
        facet_tags.append([tag])
    return cell_tags, facet_tags


def square_grid(width: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A structured top view of ``[0, width]^2``: ``(n + 1)^2`` nodes, squares split in two.

    Returns:
        ``(xy, triangles)``: ``((n + 1)^2, 2)`` coordinates (x fastest) and ``(2 n^2, 3)``.
    """
    t = np.linspace(0.0, width, n + 1)
    X, Y = np.meshgrid(t, t, indexing="xy")
    xy = np.stack([X.ravel(), Y.ravel()], axis=1)
    i, j = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    node = lambda di, dj: (i + di) + (n + 1) * (j + dj)  # noqa: E731
    tri = np.concatenate([np.stack([node(0, 0), node(1, 0), node(1, 1)], axis=1),
                          np.stack([node(0, 0), node(1, 1), node(0, 1)], axis=1)])
    return xy, tri
