"""An LLZTO slab crossed by a straight grain-boundary strip (2D).

Geometry (nm, x across, y up): the slab is ``0 <= x <= width_nm``, ``0 <= y <= thickness_nm``.
The grain boundary is a strip of width ``gb_width_nm`` (measured normal to it) whose centre line
passes through the slab centre at ``gb_angle_deg`` from the x axis: 90 (default) is a vertical
strip, perpendicular to the contacts, 0 a strip parallel to them. Physical groups: "LLZTO" (the
grains, two or more pieces) and "LLZTO-gb" (the strip). Contacts: "left" = the top (y =
``thickness_nm``), "right" = the bottom (y = 0), each over its whole length (grains and strip);
the sides are free. Built with OpenCASCADE booleans (conformal at the strip edges).

Meshing: Distance + Threshold fields put ``h_min_nm`` on both strip edges and on both contacts,
growing by ``growth`` per cell to ``h_max_nm`` inside the grains.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gmsh

from ._common import (
    background,
    check_nodes,
    estimate_nodes_2d,
    finish,
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


def _validate(thickness: float, width: float, gb_width: float, angle: float
              ) -> tuple[float, float, float, float]:
    t = positive("thickness_nm", thickness)
    w = positive("width_nm", width)
    gw = positive("gb_width_nm", gb_width, "give the grain-boundary width in nm, e.g. 5")
    try:
        a = float(angle)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"gb_angle_deg = {angle!r:.40} is not a number: give degrees, e.g. 90"
                         ) from None
    if not math.isfinite(a) or not 0.0 <= a < 180.0:
        raise ValueError(f"gb_angle_deg = {angle!r} must lie in [0, 180): use "
                         f"{a % 180.0 if math.isfinite(a) else 90:g} (the same line)")
    th = math.radians(a)
    across = w * abs(math.sin(th)) + t * abs(math.cos(th))
    if gw >= across:
        raise ValueError(f"gb_width_nm = {gw:g} is not narrower than the slab across the strip "
                         f"({across:g} nm at gb_angle_deg = {a:g}): make the grain boundary "
                         "narrower or the slab larger")
    return t, w, gw, a


def estimate(t: float, w: float, a: float, h_min: float, h_max: float, growth: float) -> float:
    """Nodes of the mesh, estimated before gmsh runs (lengths in nm, angle in degrees)."""
    th = math.radians(a)
    s, c = abs(math.sin(th)), abs(math.cos(th))
    chord = min(t / s if s > 1e-12 else math.inf, w / c if c > 1e-12 else math.inf)
    across = 0.5 * (w * s + t * c)
    return estimate_nodes_2d(w * t, h_max, growth,
                             lines=[(w, h_min, [t]), (w, h_min, [t]),
                                    (chord, h_min, [across, across]),
                                    (chord, h_min, [across, across])])


def generate(path: str | Path, *, thickness_nm: float = 2000.0, width_nm: float = 2000.0,
             gb_width_nm: float = 5.0, gb_angle_deg: float = 90.0, h_min_nm: float = 1.0,
             h_max_nm: float = 100.0, growth: float = 1.3, seed: int = 0,
             max_nodes: int | None = None) -> dict[str, Any]:
    """Write the LLZTO slab with a grain-boundary strip (2D) and its metadata.

    Args:
        path: Output .msh file; the metadata goes to the same stem with .json.
        thickness_nm: Slab thickness between the contacts (nm).
        width_nm: Slab width (nm).
        gb_width_nm: Grain-boundary strip width, normal to the strip (nm).
        gb_angle_deg: Strip angle from the x axis (deg) in [0, 180); 90 = perpendicular to the
            contacts.
        h_min_nm: Cell size at the strip edges and at the contacts (nm).
        h_max_nm: Largest cell size, inside the grains (nm).
        growth: Largest size ratio of neighbouring cells (> 1).
        seed: gmsh random seed (the mesh is deterministic for a given seed).
        max_nodes: Refuse meshes estimated above this many nodes (default
            :data:`~meshes._common.MAX_NODES` in 2D); not recorded.

    Returns:
        The metadata (see ``meshes/README.md``): layers ["LLZTO", "LLZTO-gb"], contacts
        ["left", "right"].

    Raises:
        ValueError: For non-positive sizes, an angle outside [0, 180), a grain boundary not
            narrower than the slab, or a mesh estimated above ``max_nodes``.
    """
    out = msh_path(path)
    t, w, gw, a = _validate(thickness_nm, width_nm, gb_width_nm, gb_angle_deg)
    h_min, h_max, g = mesh_sizes(h_min_nm, h_max_nm, growth)
    check_nodes("grain_boundary", estimate(t, w, a, h_min, h_max, g),
                max_nodes_value(max_nodes, 2), 2)
    params = {"thickness_nm": t, "width_nm": w, "gb_width_nm": gw, "gb_angle_deg": a,
              "h_min_nm": h_min, "h_max_nm": h_max, "growth": g, "seed": seed_value(seed)}
    th = math.radians(a)
    nx, ny = -math.sin(th), math.cos(th)  # unit normal of the strip
    cx, cy = 0.5 * w, 0.5 * t

    with session("grain_boundary", seed):
        occ = gmsh.model.occ
        slab = occ.addRectangle(0.0, 0.0, 0.0, w, t)
        length = 4.0 * (w + t)
        strip = occ.addRectangle(-0.5 * length, -0.5 * gw, 0.0, length, gw)
        occ.rotate([(2, strip)], 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, th)
        occ.translate([(2, strip)], cx, cy, 0.0)
        inside, _ = occ.intersect([(2, strip)], [(2, slab)], removeObject=True,
                                  removeTool=False)
        occ.fragment([(2, slab)], inside)
        occ.synchronize()
        grains, gb = [], []
        for _, s in gmsh.model.getEntities(2):
            mx, my, _ = occ.getCenterOfMass(2, s)
            (gb if abs(nx * (mx - cx) + ny * (my - cy)) < 0.5 * gw else grains).append(s)
        eps = 1e-6 * max(w, t)

        def on_line(y: float) -> list[int]:
            return [c for _, c in gmsh.model.getEntitiesInBoundingBox(
                -eps, y - eps, -eps, w + eps, y + eps, eps, dim=1)]

        top, bottom = on_line(t), on_line(0.0)
        edges = {abs(c) for _, c in gmsh.model.getBoundary([(2, s) for s in gb],
                                                           combined=True, oriented=False)}
        edges -= set(top) | set(bottom)
        sides = set(on_line(0.0)) | {c for _, c in gmsh.model.getEntitiesInBoundingBox(
            -eps, -eps, -eps, eps, t + eps, eps, dim=1)} | {
            c for _, c in gmsh.model.getEntitiesInBoundingBox(
                w - eps, -eps, -eps, w + eps, t + eps, eps, dim=1)}
        edges -= sides
        background([threshold_field({1: sorted(edges | set(top) | set(bottom))}, h_min, h_max,
                                    g, sampling_length=2.0 * (w + t))], h_min, h_max)
        gmsh.model.mesh.generate(2)
        snap({0: [0.0, w], 1: [0.0, t]}, eps)
        return finish(out, generator="grain_boundary", dim=2,
                      cells=[(LAYERS[0], grains), (LAYERS[1], gb)],
                      facets=[(CONTACTS[0], top), (CONTACTS[1], bottom)], parameters=params)
