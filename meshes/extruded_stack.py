"""A 1D layer stack extruded to a structured 2D / 3D mesh with prescribed x nodes.

Geometry (nm): the layers are stacked along x from x = 0 (contact ``contacts[0]``, default
"left") to x = L = sum of thicknesses (contact ``contacts[1]``, "right"); the mesh spans
``0 <= y <= width_nm`` (and ``0 <= z <= width_nm`` in 3D) with free sides.

Mesh: the tensor grid of ``x_nodes_nm`` (kept bit-for-bit: the node x-coordinates are exactly
the given floats) and ``ny + 1`` equidistant y (and z) levels. Each rectangle is split along its
(+x, +y) diagonal into two right triangles; each box into the six Kuhn tetrahedra around its
(+x, +y, +z) diagonal (conformal). Every simplex then has edges along y (and z) joining nodes of
equal x, so the P1 interpolant of any function of x alone has a gradient exactly along x, and the
diagonals carry no Voronoi (box-method) coupling. Nodes and elements are written directly with
``gmsh.model.mesh.addNodes / addElementsByType`` on discrete entities (one per layer and contact).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gmsh
import numpy as np

from ._common import (
    check_nodes,
    choice,
    finish,
    graded_count,
    graded_nodes,
    max_nodes_value,
    mesh_sizes,
    msh_path,
    positive,
    seed_value,
    session,
)


def _layers(layers: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    try:
        out = [(str(name), float(t)) for name, t in layers]
    except (TypeError, ValueError):
        raise ValueError("layers must be a list of (name, thickness_nm) pairs: e.g. "
                         "[('p-Si', 10), ('n-TiO2', 10)]") from None
    if not out:
        raise ValueError("layers is empty: give at least one (name, thickness_nm) pair")
    for i, (name, t) in enumerate(out):
        if not name:
            raise ValueError(f"layers[{i}] has an empty name: name every layer")
        positive(f"layers[{i}] ({name}) thickness_nm", t)
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"layers has repeated names {names}: give every layer a unique name")
    return out


def _x_nodes(x_nodes: Sequence[float] | None, bounds: np.ndarray, h_min: float, h_max: float,
             growth: float) -> np.ndarray:
    if x_nodes is None:
        parts = [bounds[i] + graded_nodes(bounds[i + 1] - bounds[i], h_min, h_max, growth)
                 for i in range(len(bounds) - 1)]
        x = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])
        x[[0, -1]] = bounds[[0, -1]]
        return x
    x = np.asarray(x_nodes, dtype=float)
    if x.ndim != 1 or len(x) < 2 or not np.isfinite(x).all():
        raise ValueError("x_nodes_nm must be a list of at least two finite numbers (nm)")
    if np.any(np.diff(x) <= 0.0):
        i = int(np.argmax(np.diff(x) <= 0.0))
        raise ValueError(f"x_nodes_nm is not strictly increasing at index {i + 1} "
                         f"({x[i]!r} -> {x[i + 1]!r}): sort the nodes and drop duplicates")
    tol = 1e-9 * bounds[-1]
    for k, b in enumerate(bounds):
        j = int(np.argmin(np.abs(x - b)))
        if abs(x[j] - b) > tol:
            what = ("start at 0" if k == 0 else f"end at the stack length {b:g} nm"
                    if k == len(bounds) - 1 else f"contain the interface at x = {b:g} nm")
            raise ValueError(f"x_nodes_nm must {what} (nearest node {x[j]!r}): make the nodes "
                             "match the layers' thicknesses")
    return x


def _simplices(nx: int, ny: int, nz: int, dim: int) -> np.ndarray:
    """0-based node indices of the simplices of the tensor grid (positively oriented)."""
    if dim == 2:
        i, j = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij"))
        n = lambda di, dj: (i + di) + (nx + 1) * (j + dj)  # noqa: E731
        return np.concatenate([np.stack([n(0, 0), n(1, 0), n(1, 1)], axis=1),
                               np.stack([n(0, 0), n(1, 1), n(0, 1)], axis=1)])
    i, j, k = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz),
                                              indexing="ij"))
    out = []
    for perm in itertools.permutations(range(3)):
        corners = [np.zeros(3, int)]
        for axis in perm:
            corners.append(corners[-1] + np.eye(3, dtype=int)[axis])
        c = np.array(corners)
        if np.linalg.det((c[1:] - c[0]).astype(float)) < 0:
            c = c[[0, 2, 1, 3]]
        out.append(np.stack([(i + a) + (nx + 1) * ((j + b) + (ny + 1) * (k + d))
                             for a, b, d in c], axis=1))
    return np.concatenate(out)


def _boundary_facets(cells: np.ndarray, ix: np.ndarray, i: int) -> np.ndarray:
    """Facets (node index rows) of ``cells`` whose nodes all have x index ``i``."""
    d = cells.shape[1]
    faces = np.concatenate([np.delete(cells, k, axis=1) for k in range(d)])
    return faces[np.all(ix[faces] == i, axis=1)]


def generate(path: str | Path, *, layers: Sequence[tuple[str, float]],
             x_nodes_nm: Sequence[float] | None = None, width_nm: float = 50.0, ny: int = 2,
             dim: int = 2, contacts: Sequence[str] = ("left", "right"), h_min_nm: float = 1.0,
             h_max_nm: float = 50.0, growth: float = 1.1, seed: int = 0,
             max_nodes: int | None = None) -> dict[str, Any]:
    """Write the structured extrusion of a 1D stack and its metadata.

    Args:
        path: Output .msh file; the metadata goes to the same stem with .json.
        layers: (name, thickness_nm) per layer, from x = 0 upward; names unique.
        x_nodes_nm: Node x-coordinates (nm), strictly increasing, from 0 to the stack length and
            containing every interface (to 1e-9 relative); kept exactly. Default: graded from
            ``h_min_nm`` at every interface / contact to ``h_max_nm``.
        width_nm: Extent in y (and z) (nm).
        ny: Number of cell rows in y (and layers in z), >= 1.
        dim: 2 (x-y, triangles) or 3 (x-y-z, tetrahedra).
        contacts: Names of the x = 0 and x = L contacts.
        h_min_nm: Default-grid spacing at interfaces and contacts (nm); unused with x_nodes_nm.
        h_max_nm: Default-grid largest spacing (nm); unused with x_nodes_nm.
        growth: Default-grid neighbour spacing ratio (> 1); unused with x_nodes_nm. 1.1, not
            the 1.3 of the gmsh generators: the cells at a distance d from an interface are
            ~(growth - 1) d whatever h_min_nm, and the recombination current of a junction
            carries an error proportional to growth - 1 (1e18 / 1e18 Si diode: 2.2 % at 1.3,
            0.55 % at 1.1, against a fine 1D mesh); refine growth - 1 with h_min_nm.
        seed: Recorded only (the mesh has no randomness).
        max_nodes: Refuse meshes of more nodes (default :data:`~meshes._common.MAX_NODES` for
            the dimension); not recorded.

    Returns:
        The metadata (see ``meshes/README.md``); ``parameters`` records ``layers``,
        ``x_nodes_nm`` and ``interfaces_nm``.

    Raises:
        ValueError: For bad layers, node lists that miss an interface or an end, non-positive
            width, ny < 1, dim not 2 / 3, bad contact names or more than ``max_nodes`` nodes.
    """
    out = msh_path(path)
    lay = _layers(layers)
    bounds = np.concatenate([[0.0], np.cumsum([t for _, t in lay])])
    h_min, h_max, g = mesh_sizes(h_min_nm, h_max_nm, growth)
    w = positive("width_nm", width_nm)
    if isinstance(ny, bool) or not isinstance(ny, int | np.integer) or ny < 1:
        raise ValueError(f"ny = {ny!r:.40} must be an integer >= 1: give the number of cell rows")
    choice("dim", dim, (2, 3))
    nx_nodes = len(x_nodes_nm) if x_nodes_nm is not None and hasattr(x_nodes_nm, "__len__") \
        else sum(graded_count(b - a, h_min, h_max, g) for a, b in itertools.pairwise(bounds)) + 1
    check_nodes("extruded_stack", nx_nodes * (int(ny) + 1) ** (dim - 1),
                max_nodes_value(max_nodes, dim), dim)
    x = _x_nodes(x_nodes_nm, bounds, h_min, h_max, g)
    names = [str(c) for c in contacts]
    if len(names) != 2 or not all(names) or names[0] == names[1] or set(names) & {
            n for n, _ in lay}:
        raise ValueError(f"contacts = {list(contacts)!r} must be two distinct non-empty names "
                         "that are not layer names: e.g. ('left', 'right')")
    params = {"layers": [[n, t] for n, t in lay], "x_nodes_nm": x.tolist(),
              "interfaces_nm": bounds.tolist(), "width_nm": w, "ny": int(ny), "dim": dim,
              "contacts": names, "h_min_nm": h_min, "h_max_nm": h_max, "growth": g,
              "seed": seed_value(seed)}

    nx, nz = len(x) - 1, (int(ny) if dim == 3 else 0)
    y = np.linspace(0.0, w, int(ny) + 1)
    z = np.linspace(0.0, w, nz + 1)
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij")
    ix = np.broadcast_to(np.arange(nx + 1)[:, None, None], X.shape)
    order = lambda a: a.transpose(2, 1, 0).ravel()  # noqa: E731  (x fastest, then y, then z)
    coords = np.stack([order(X), order(Y), order(Z)], axis=1)
    ixf = order(ix)
    cells = _simplices(nx, int(ny), nz, dim)
    # layer of each column of cells: its x-midpoint between the interfaces
    xmid = 0.5 * (x[:-1] + x[1:])
    col_layer = np.searchsorted(bounds, xmid) - 1
    cell_layer = col_layer[np.min(ixf[cells], axis=1)]
    node_layer = col_layer[np.minimum(ixf, nx - 1)]

    with session("extruded_stack", seed):
        m = gmsh.model
        etype = 2 if dim == 2 else 4
        ftype = 1 if dim == 2 else 2
        cell_groups, facet_groups = [], []
        next_elem = 1
        for li in range(len(lay)):
            m.addDiscreteEntity(dim, li + 1)
            sel = np.flatnonzero(node_layer == li)
            m.mesh.addNodes(dim, li + 1, (sel + 1).tolist(), coords[sel].ravel().tolist())
        for li, (name, _) in enumerate(lay):
            tag = li + 1
            mine = cells[cell_layer == li]
            m.mesh.addElementsByType(tag, etype, list(range(next_elem, next_elem + len(mine))),
                                     (mine + 1).ravel().tolist())
            next_elem += len(mine)
            cell_groups.append((name, [tag]))
        for ci, (name, i) in enumerate(zip(names, (0, nx))):
            tag = ci + 1
            m.addDiscreteEntity(dim - 1, tag)
            f = _boundary_facets(cells, ixf, i)
            m.mesh.addElementsByType(tag, ftype, list(range(next_elem, next_elem + len(f))),
                                     (f + 1).ravel().tolist())
            next_elem += len(f)
            facet_groups.append((name, [tag]))
        if math.prod(X.shape) != len(coords):
            raise RuntimeError("extruded_stack: node count mismatch")
        return finish(out, generator="extruded_stack", dim=dim, cells=cell_groups,
                      facets=facet_groups, parameters=params)
