"""An LLZTO slab with a network of columnar grains and grain-boundary walls (3D).

Geometry (nm, x and y across, z up): the slab is ``[0, width_nm]^2 x [0, thickness_nm]``. The
grains are the cells of a Voronoi tessellation of ``grains`` seeded points in the square
(relaxed by Lloyd iterations, so no grain is a sliver; mirrored seeds make the tessellation
end exactly on the square's sides), extruded through the slab: columnar grains, as in sputtered
films and in a pellet's near-surface grains. Every Voronoi edge inside the square is a
grain-boundary wall of width ``gb_width_nm``: every point within ``gb_width_nm / 2`` of the
edge network (the walls meet in rounded triple lines). Physical groups:
"LLZTO" (the grains) and "LLZTO-gb" (the walls); contacts "left" = the top (z =
``thickness_nm``) and "right" = the bottom (z = 0), each across grains and walls (the names of
the 2D ``grain_boundary`` generator); the sides are free.

Mesh: the top view is meshed by gmsh (OpenCASCADE booleans of the wall strips with the square,
conformal) with Distance + Threshold fields, ``h_min_nm`` at the wall faces growing by
``growth`` to ``h_max_nm`` inside the grains; it is then extruded through the slab in levels
graded from ``h_min_nm`` at both contacts (prisms split into conformal tetrahedra,
:mod:`meshes._columns`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gmsh
import numpy as np

from . import _columns
from ._common import (
    background,
    check_nodes,
    estimate_nodes_2d,
    finish,
    graded_count,
    graded_nodes,
    max_nodes_value,
    mesh_sizes,
    msh_path,
    positive,
    seed_value,
    session,
    snap,
    threshold_field,
)

LAYERS = ("LLZTO", "LLZTO-gb")
CONTACTS = ("left", "right")
LLOYD_ITERATIONS = 5


def voronoi_edges(width: float, grains: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Interior Voronoi edges of ``grains`` relaxed seeds in ``[0, width]^2``.

    Returns:
        ``(seeds, edges)``: ``(grains, 2)`` seed points and ``(m, 2, 2)`` edge end points (nm),
        every edge shared by two grains (edges on the square's sides left out).
    """
    from scipy.spatial import Voronoi

    rng = np.random.default_rng(seed)
    pts = rng.random((grains, 2)) * width
    for it in range(LLOYD_ITERATIONS + 1):
        mirrored = np.concatenate([pts, pts * [-1, 1], pts * [1, -1],
                                   pts * [-1, 1] + [2 * width, 0], pts * [1, -1] + [0, 2 * width]])
        vor = Voronoi(mirrored)
        if it == LLOYD_ITERATIONS:
            break
        for i in range(grains):  # move each seed to its cell's centroid (Lloyd)
            poly = vor.vertices[vor.regions[vor.point_region[i]]]
            c = poly.mean(axis=0)
            poly = poly[np.argsort(np.arctan2(poly[:, 1] - c[1], poly[:, 0] - c[0]))]
            x, y = poly[:, 0], poly[:, 1]
            cross = x * np.roll(y, -1) - np.roll(x, -1) * y
            area = cross.sum() / 2
            pts[i] = [((x + np.roll(x, -1)) * cross).sum() / (6 * area),
                      ((y + np.roll(y, -1)) * cross).sum() / (6 * area)]
    edges = []
    for (p, q), ridge in zip(vor.ridge_points, vor.ridge_vertices):
        if p < grains and q < grains and -1 not in ridge:
            edges.append(vor.vertices[ridge])
    return pts, np.array(edges).reshape(-1, 2, 2)


def _top_view(width: float, edges: np.ndarray, gb_width: float, h_min: float, h_max: float,
              growth: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mesh the square with its wall strips: ``(xy, triangles, is_wall per triangle)``."""
    occ = gmsh.model.occ
    square = occ.addRectangle(0.0, 0.0, 0.0, width, width)
    strips = []
    for a, b in edges:
        d = b - a
        length = float(np.hypot(*d))
        s = occ.addRectangle(0.0, -0.5 * gb_width, 0.0, length, gb_width)
        occ.rotate([(2, s)], 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, math.atan2(d[1], d[0]))
        occ.translate([(2, s)], float(a[0]), float(a[1]), 0.0)
        strips.append((2, s))
    for v in np.unique(np.round(edges.reshape(-1, 2), 9), axis=0):  # round the junctions
        strips.append((2, occ.addDisk(float(v[0]), float(v[1]), 0.0, 0.5 * gb_width,
                                      0.5 * gb_width)))
    if len(strips) > 1:
        walls, _ = occ.fuse(strips[:1], strips[1:])
    else:
        walls = strips
    walls, _ = occ.intersect(walls, [(2, square)], removeObject=True, removeTool=False)
    _, children = occ.fragment([(2, square)], walls)
    occ.synchronize()
    wall_faces = sorted({t for child in children[1:] for _, t in child})
    wall_curves = {abs(c) for _, c in gmsh.model.getBoundary([(2, s) for s in wall_faces],
                                                              combined=False, oriented=False)}
    eps = 1e-6 * width
    sides = {c for _, c in gmsh.model.getEntitiesInBoundingBox(-eps, -eps, -eps, width + eps,
                                                               width + eps, eps, dim=1)
             if _on_side(c, width, eps)}
    background([threshold_field({1: sorted(wall_curves - sides)}, h_min, h_max, growth,
                                sampling_length=4.0 * width)], h_min, h_max)
    gmsh.model.mesh.generate(2)
    snap({0: [0.0, width], 1: [0.0, width]}, eps)
    tags, coords, _ = gmsh.model.mesh.getNodes()
    index = {int(t): i for i, t in enumerate(tags)}
    xy = coords.reshape(-1, 3)[:, :2]
    tris, wall = [], []
    for _, s in gmsh.model.getEntities(2):
        _, _, conn = gmsh.model.mesh.getElements(2, s)
        t = np.array([index[int(v)] for v in conn[0]]).reshape(-1, 3)
        tris.append(t)
        wall.append(np.full(len(t), s in wall_faces))
    tri, is_wall = np.concatenate(tris), np.concatenate(wall)
    used = np.unique(tri)  # drop geometry-only nodes
    renum = np.full(len(xy), -1)
    renum[used] = np.arange(len(used))
    return xy[used], renum[tri], is_wall


def _on_side(curve: int, width: float, eps: float) -> bool:
    x0, y0, _, x1, y1, _ = gmsh.model.getBoundingBox(1, curve)
    return any(abs(v - s) < eps for v in (x0, x1, y0, y1) for s in (0.0, width)) and (
        abs(x1 - x0) < eps or abs(y1 - y0) < eps)


def generate(path: str | Path, *, thickness_nm: float = 500.0, width_nm: float = 500.0,
             grains: int = 6, gb_width_nm: float = 10.0, h_min_nm: float = 4.0,
             h_max_nm: float = 50.0, growth: float = 1.3, seed: int = 0,
             max_nodes: int | None = None) -> dict[str, Any]:
    """Write the columnar grain network (3D) and its metadata.

    Args:
        path: Output .msh file; the metadata goes to the same stem with .json.
        thickness_nm: Slab thickness between the contacts (nm).
        width_nm: Side of the square slab (nm).
        grains: Number of grains (Voronoi seeds), >= 2.
        gb_width_nm: Grain-boundary wall width (nm).
        h_min_nm: Cell size at the walls and at the contacts (nm).
        h_max_nm: Largest cell size (nm).
        growth: Largest size ratio of neighbouring cells (> 1).
        seed: Seed of the grain seeds (and of gmsh); same seed, same mesh.
        max_nodes: Refuse meshes estimated above this many nodes (default
            :data:`~meshes._common.MAX_NODES` in 3D); not recorded.

    Returns:
        The metadata (see ``meshes/README.md``): layers ["LLZTO", "LLZTO-gb"], contacts
        ["left", "right"]; ``parameters`` also records ``walls`` (their number),
        ``wall_length_nm`` (total length in the top view) and ``gb_area_fraction``.

    Raises:
        ValueError: For non-positive sizes, fewer than 2 grains, or walls too wide for the
            grains (``gb_width_nm`` above a third of the mean grain size), or a mesh
            estimated above ``max_nodes``.
    """
    out = msh_path(path)
    t = positive("thickness_nm", thickness_nm)
    w = positive("width_nm", width_nm)
    gw = positive("gb_width_nm", gb_width_nm, "give the grain-boundary width in nm, e.g. 10")
    if isinstance(grains, bool) or not isinstance(grains, int | np.integer) or grains < 2:
        raise ValueError(f"grains = {grains!r} must be an integer >= 2: give the number of "
                         "grains")
    size = w / math.sqrt(grains)
    if gw > size / 3:
        raise ValueError(f"gb_width_nm = {gw:g} is more than a third of the mean grain size "
                         f"({size:.3g} nm for {grains} grains on {w:g} nm): use fewer grains, a "
                         "wider slab or narrower grain boundaries")
    h_min, h_max, g = mesh_sizes(h_min_nm, h_max_nm, growth)
    seed = seed_value(seed)
    limit = max_nodes_value(max_nodes, 3)
    nz = graded_count(t, h_min, h_max, g) + 1
    check_nodes("grain_network", grains * nz, limit, 3)  # a node per grain and level at least
    _, edges = voronoi_edges(w, int(grains), seed)
    wall_length = float(np.linalg.norm(edges[:, 1] - edges[:, 0], axis=1).sum())
    # the two edges of every wall strip are refined (the square's sides are not): a grain on
    # one side, the strip up to its centre line on the other
    top = estimate_nodes_2d(w * w, h_max, g, [(2.0 * wall_length, h_min, [size / 2, gw / 2])])
    check_nodes("grain_network", top * nz, limit, 3)
    with session("grain_network", seed):
        xy, tri, is_wall = _top_view(w, edges, gw, h_min, h_max, g)
        gmsh.model.remove()
        gmsh.model.add("grain_network_3d")
        z = graded_nodes(t, h_min, h_max, g)
        coords = np.concatenate([np.column_stack([xy, np.full(len(xy), zk)]) for zk in z])
        tets, _ = _columns.prism_tetrahedra(tri, len(xy), len(z))
        tets = _columns.orient(coords, tets)
        wall_tet = np.tile(is_wall, 3 * (len(z) - 1))  # the order of prism_tetrahedra
        top = tri + (len(z) - 1) * len(xy)
        cells, facets = _columns.add_to_model(coords, tets, [~wall_tet, wall_tet], [top, tri])
        area = _columns.signed_volumes(coords, tets)
        frac = float(np.abs(area[wall_tet]).sum() / np.abs(area).sum())
        params = {"thickness_nm": t, "width_nm": w, "grains": int(grains), "gb_width_nm": gw,
                  "h_min_nm": h_min, "h_max_nm": h_max, "growth": g, "seed": int(seed),
                  "walls": len(edges),
                  "wall_length_nm": wall_length,
                  "gb_area_fraction": frac}
        return finish(out, generator="grain_network", dim=3,
                      cells=list(zip(LAYERS, cells)), facets=list(zip(CONTACTS, facets)),
                      parameters=params)
