"""The paper's on-chip diode: Ti / n-TiO2 / p-Si with a finite Al top pad, in 2D or 3D.

Geometry (nm): the Ti bottom electrode is the whole bottom boundary (y = 0 in 2D, z = 0 in 3D),
n-TiO2 fills ``0 <= y <= tio2_thickness_nm``, p-Si the ``si_thickness_nm`` above it. The die
spans ``0 <= x <= die_width_nm`` (and ``0 <= y <= die_width_nm`` in 3D, a square die); the Al pad
is centred on the top surface: a segment of width ``pad_width_nm`` in 2D, a square of side
``pad_width_nm`` in 3D. Only the top surface under the pad is the "top" contact; the rest of the
top and the die's sides are free (insulating) boundaries.

Meshing: 2D is unstructured (Frontal-Delaunay) with Distance + Threshold size fields: ``h_min_nm``
on the bottom contact, the TiO2 / Si interface and the pad, ``h_edge_nm`` at the pad edges (where
the field crowds), growing by ``growth`` per cell to ``h_max_nm``. 3D triangulates the top view
with the same fields (size ``h_edge_nm`` around the pad outline and its corners), then extrudes
it through each film in layers graded from ``h_min_nm`` at every interface / contact (prisms
split into tetrahedra), which keeps thin films over a wide die affordable.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gmsh

from ._common import background as set_background
from ._common import (
    check_nodes,
    choice,
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
    threshold_field,
)

LAYERS = ("n-TiO2", "p-Si")
CONTACTS = ("bottom", "top")


def _validate(tio2: float, si: float, pad: float, die: float) -> tuple[float, ...]:
    t1 = positive("tio2_thickness_nm", tio2)
    t2 = positive("si_thickness_nm", si)
    p = positive("pad_width_nm", pad)
    w = positive("die_width_nm", die)
    if p >= w:
        raise ValueError(f"pad_width_nm = {p:g} exceeds die_width_nm = {w:g}: "
                         "make the pad narrower than the die")
    return t1, t2, p, w


def estimate(t1: float, t2: float, p: float, w: float, dim: int, h_min: float, h_max: float,
             growth: float, h_edge: float) -> float:
    """Nodes of the mesh, estimated from the geometry and sizes before gmsh runs (nm)."""
    if dim == 2:
        return estimate_nodes_2d(w * (t1 + t2), h_max, growth,
                                 lines=[(w, h_min, [t1 + t2]), (w, h_min, [t1, t2]),
                                        (p, h_min, [t1 + t2])],
                                 points=[(h_edge, math.pi), (h_edge, math.pi)])
    top = estimate_nodes_2d(w * w, h_max, growth,
                            lines=[(p, h_edge, [0.5 * p, 0.5 * (w - p)])] * 4,
                            points=[(h_edge, 2 * math.pi)] * 4)
    levels = sum(graded_count(t, h_min, h_max, growth) for t in (t1, t2)) + 1
    return top * levels


def _build_2d(t1: float, t2: float, p: float, w: float, h_min: float, h_max: float,
              growth: float, h_edge: float) -> tuple[list, list]:
    geo = gmsh.model.geo
    xa, xb, y2 = 0.5 * (w - p), 0.5 * (w + p), t1 + t2
    pt = {k: geo.addPoint(x, y, 0.0) for k, (x, y) in {
        "b0": (0, 0), "b1": (w, 0), "i0": (0, t1), "i1": (w, t1),
        "t0": (0, y2), "ta": (xa, y2), "tb": (xb, y2), "t1": (w, y2)}.items()}
    bottom = geo.addLine(pt["b0"], pt["b1"])
    inter = geo.addLine(pt["i0"], pt["i1"])
    top_l, pad, top_r = (geo.addLine(pt["t0"], pt["ta"]), geo.addLine(pt["ta"], pt["tb"]),
                         geo.addLine(pt["tb"], pt["t1"]))
    l0, l1 = geo.addLine(pt["b0"], pt["i0"]), geo.addLine(pt["i0"], pt["t0"])
    r0, r1 = geo.addLine(pt["b1"], pt["i1"]), geo.addLine(pt["i1"], pt["t1"])
    tio2 = geo.addPlaneSurface([geo.addCurveLoop([bottom, r0, -inter, -l0])])
    si = geo.addPlaneSurface([geo.addCurveLoop([inter, r1, -top_r, -pad, -top_l, -l1])])
    geo.synchronize()
    fields = [threshold_field({1: [bottom, inter, pad]}, h_min, h_max, growth, sampling_length=w),
              threshold_field({0: [pt["ta"], pt["tb"]]}, h_edge, h_max, growth)]
    set_background(fields, min(h_min, h_edge), h_max)
    gmsh.model.mesh.generate(2)
    return [(LAYERS[0], [tio2]), (LAYERS[1], [si])], [(CONTACTS[0], [bottom]),
                                                      (CONTACTS[1], [pad])]


def _square(geo: Any, a: float, b: float) -> tuple[int, list[int]]:
    """Curve loop of the square [a, b]^2 at z = 0 and its corner points."""
    pts = [geo.addPoint(x, y, 0.0) for x, y in ((a, a), (b, a), (b, b), (a, b))]
    lines = [geo.addLine(pts[i], pts[(i + 1) % 4]) for i in range(4)]
    return geo.addCurveLoop(lines), pts


def _extrude(geo: Any, surfaces: list[int], dz: float, h_min: float, h_max: float,
             growth: float) -> tuple[list[int], list[int]]:
    """Extrude surfaces by dz in graded layers; return (top surfaces, volumes) in input order."""
    z = graded_nodes(dz, h_min, h_max, growth)
    out = geo.extrude([(2, s) for s in surfaces], 0.0, 0.0, dz, numElements=[1] * (len(z) - 1),
                      heights=(z[1:] / dz).tolist(), recombine=False)
    tops, vols = [], []
    for i, (d, t) in enumerate(out):
        if d == 3:
            tops.append(out[i - 1][1])
            vols.append(t)
    return tops, vols


def _build_3d(t1: float, t2: float, p: float, w: float, h_min: float, h_max: float,
              growth: float, h_edge: float) -> tuple[list, list]:
    geo = gmsh.model.geo
    outer, _ = _square(geo, 0.0, w)
    pad_loop, corners = _square(geo, 0.5 * (w - p), 0.5 * (w + p))
    pad_base = geo.addPlaneSurface([pad_loop])
    ring_base = geo.addPlaneSurface([outer, pad_loop])
    (pad_mid, ring_mid), tio2 = _extrude(geo, [pad_base, ring_base], t1, h_min, h_max, growth)
    (pad_top, _), si = _extrude(geo, [pad_mid, ring_mid], t2, h_min, h_max, growth)
    geo.synchronize()
    edges = [abs(t) for _, t in gmsh.model.getBoundary([(2, pad_base)], oriented=False)]
    fields = [threshold_field({1: edges, 0: corners}, h_edge, h_max, growth, sampling_length=p)]
    set_background(fields, h_edge, h_max)
    gmsh.model.mesh.generate(3)
    return [(LAYERS[0], tio2), (LAYERS[1], si)], [(CONTACTS[0], [pad_base, ring_base]),
                                                  (CONTACTS[1], [pad_top])]


def generate(path: str | Path, *, tio2_thickness_nm: float = 10.0, si_thickness_nm: float = 10.0,
             pad_width_nm: float = 200.0, die_width_nm: float = 1000.0, dim: int = 2,
             h_min_nm: float = 1.0, h_max_nm: float = 50.0, h_edge_nm: float | None = None,
             growth: float = 1.3, seed: int = 0, max_nodes: int | None = None) -> dict[str, Any]:
    """Write the on-chip Ti / n-TiO2 / p-Si / Al-pad diode mesh and its metadata.

    Args:
        path: Output .msh file; the metadata goes to the same stem with .json.
        tio2_thickness_nm: n-TiO2 film thickness (nm).
        si_thickness_nm: p-Si film thickness (nm).
        pad_width_nm: Al pad width in 2D, pad side in 3D (nm); centred, < ``die_width_nm``.
        die_width_nm: Die width in 2D, die side in 3D (nm).
        dim: 2 (x-y cross-section) or 3 (square pad on a square die).
        h_min_nm: Cell size at the interface, the contacts and the pad edges (nm).
        h_max_nm: Largest cell size (nm).
        h_edge_nm: Lateral cell size at the pad edges (nm); default ``h_min_nm`` in 2D and
            ``5 * h_min_nm`` in 3D (the vertical spacing stays ``h_min_nm`` at every interface).
        growth: Largest size ratio of neighbouring cells (> 1).
        seed: gmsh random seed (the mesh is deterministic for a given seed).
        max_nodes: Refuse meshes estimated above this many nodes (default
            :data:`~meshes._common.MAX_NODES` for the dimension); not recorded.

    Returns:
        The metadata (see ``meshes/README.md``): layers ["n-TiO2", "p-Si"], contacts
        ["bottom", "top"].

    Raises:
        ValueError: For non-positive sizes, a pad not narrower than the die, dim not 2 / 3, or
            a mesh estimated above ``max_nodes``.
    """
    out = msh_path(path)
    t1, t2, p, w = _validate(tio2_thickness_nm, si_thickness_nm, pad_width_nm, die_width_nm)
    h_min, h_max, g = mesh_sizes(h_min_nm, h_max_nm, growth)
    choice("dim", dim, (2, 3))
    h_edge = positive("h_edge_nm", h_edge_nm) if h_edge_nm is not None else (
        h_min if dim == 2 else min(5.0 * h_min, h_max))
    check_nodes("onchip", estimate(t1, t2, p, w, dim, h_min, h_max, g, h_edge),
                max_nodes_value(max_nodes, dim), dim)
    params = {"tio2_thickness_nm": t1, "si_thickness_nm": t2, "pad_width_nm": p,
              "die_width_nm": w, "dim": dim, "h_min_nm": h_min, "h_max_nm": h_max,
              "h_edge_nm": h_edge, "growth": g, "seed": seed_value(seed)}
    with session("onchip", seed):
        build = _build_2d if dim == 2 else _build_3d
        cells, facets = build(t1, t2, p, w, h_min, h_max, g, h_edge)
        return finish(out, generator="onchip", dim=dim, cells=cells, facets=facets,
                      parameters=params)
