"""The p-Si / n-TiO2 interphase deposited conformally on a rough LLZTO surface (2D).

Geometry (nm, x across, y up): LLZTO fills ``0 <= y <= llzto_thickness_nm + f(x)`` for
``0 <= x <= width_nm``; n-TiO2 (``tio2_thickness_nm``) covers it and p-Si (``si_thickness_nm``)
covers the TiO2. The Al contact "left" is the top of the p-Si, the Au contact "right" the flat
bottom of the LLZTO (y = 0); the sides are free. (The names follow the 1D cases, where the stack
runs Al = left ... Au = right.)

Roughness: ``f`` is a seeded Gaussian random profile, periodic over ``width_nm``, with zero mean,
rms exactly ``roughness_amplitude_nm`` (over the sampled profile) and Gaussian autocorrelation
``C(r) = A^2 exp(-r^2 / lc^2)``, ``lc = correlation_length_nm``: Fourier modes ``k = 1, 2, ...``
with variances ``~ exp(-(pi k lc / W)^2)``.

Films: with ``offset = "normal"`` (default: conformal deposition) each film boundary is the
previous one offset along its local normal, so the films have constant thickness measured
normal to the surface; this needs the surface's radius of curvature to exceed the film stack
thickness everywhere (else ``ValueError``). With ``offset = "vertical"`` the boundaries are the
surface shifted up, so the thickness is constant along y (thinner along the normal on slopes).
Every boundary is a gmsh spline through samples spaced ``<= correlation_length_nm / 10``.

Meshing: Distance + Threshold fields put ``h_min_nm`` on the three film boundaries and the Au
contact, growing by ``growth`` per cell to ``h_max_nm`` in the LLZTO bulk.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import gmsh
import numpy as np

from . import _columns, rough_surface
from ._common import (
    background,
    check_nodes,
    choice,
    estimate_nodes_2d,
    finish,
    graded_count,
    max_nodes_value,
    mesh_sizes,
    msh_path,
    positive,
    seed_value,
    session,
    threshold_field,
)

LAYERS = ("LLZTO", "n-TiO2", "p-Si")
CONTACTS = ("left", "right")


class _Profile:
    """Periodic Gaussian random profile f(x) with exact sampled rms (all lengths in nm)."""

    def __init__(self, width: float, rms: float, lc: float, seed: int, n: int) -> None:
        kmax = max(1, math.ceil(width / (math.pi * lc) * math.sqrt(40.0)))
        k = np.arange(1, kmax + 1)
        sd = np.exp(-0.5 * (math.pi * k * lc / width) ** 2)
        rng = np.random.default_rng(seed)
        self.q = 2.0 * math.pi * k / width
        self.a = rng.standard_normal(kmax) * sd
        self.b = rng.standard_normal(kmax) * sd
        x = np.linspace(0.0, width, n, endpoint=False)
        now = math.sqrt(np.mean(self(x) ** 2))
        scale = rms / now if now > 0 else 0.0
        self.a, self.b = self.a * scale, self.b * scale

    def __call__(self, x: np.ndarray, derivative: int = 0) -> np.ndarray:
        ph = np.outer(x, self.q)
        qd = self.q**derivative
        if derivative % 2 == 0:
            sgn = (-1) ** (derivative // 2)
            return sgn * (np.cos(ph) @ (self.a * qd) + np.sin(ph) @ (self.b * qd))
        sgn = (-1) ** ((derivative + 1) // 2)
        return sgn * (np.sin(ph) @ (self.a * qd) - np.cos(ph) @ (self.b * qd))


def _offset(f: _Profile, x: np.ndarray, base: float, d: float, mode: str, span: float,
            ) -> np.ndarray:
    """Heights of the curve offset by ``d`` from ``y = base + f(x)``, sampled at ``x`` (nm)."""
    if mode == "vertical" or d == 0.0:
        return base + f(x) + d
    fine = np.linspace(-span, x[-1] + span, 16 * len(x) + 1)
    s = f(fine, 1)
    norm = np.sqrt(1.0 + s**2)
    xo, yo = fine - d * s / norm, base + f(fine) + d / norm
    if np.any(np.diff(xo) <= 0.0):
        raise ValueError("roughness_amplitude_nm / correlation_length_nm curve the LLZTO surface "
                         f"tighter than the film stack ({d:g} nm) can follow along the normal: "
                         "increase correlation_length_nm, reduce roughness_amplitude_nm or use "
                         "offset='vertical'")
    return np.interp(x, xo, yo)


def generate(path: str | Path, *, tio2_thickness_nm: float = 10.0, si_thickness_nm: float = 10.0,
             llzto_thickness_nm: float = 2000.0, width_nm: float = 2000.0,
             roughness_amplitude_nm: float = 50.0, correlation_length_nm: float = 300.0,
             offset: str = "normal", dim: int = 2, h_lateral_nm: float | None = None,
             h_min_nm: float = 1.0, h_max_nm: float = 100.0, growth: float = 1.3,
             seed: int = 0, max_nodes: int | None = None) -> dict[str, Any]:
    """Write the rough-LLZTO / n-TiO2 / p-Si mesh (2D or 3D) and its metadata.

    Args:
        path: Output .msh file; the metadata goes to the same stem with .json.
        tio2_thickness_nm: n-TiO2 film thickness (nm).
        si_thickness_nm: p-Si film thickness (nm).
        llzto_thickness_nm: Mean LLZTO slab thickness (nm), bottom to mean rough surface.
        width_nm: Width of the cross-section (nm); the profile is periodic over it.
        roughness_amplitude_nm: rms height of the LLZTO surface (nm); 0 gives a flat surface.
        correlation_length_nm: Gaussian correlation length of the surface (nm).
        offset: "normal" (constant film thickness along the surface normal) or "vertical".
        dim: 2 (x-y cross-section) or 3 (a Gaussian random surface over a square,
            :mod:`meshes.rough_surface`).
        h_lateral_nm: 3D: lateral spacing of the structured top view (nm); default
            ``correlation_length_nm / 8``.
        h_min_nm: Cell size at the film boundaries and at the Au contact (nm).
        h_max_nm: Largest cell size, in the LLZTO bulk (nm).
        growth: Largest size ratio of neighbouring cells (> 1).
        seed: Seed of the random profile (and of gmsh); same seed, same mesh.
        max_nodes: Refuse meshes estimated above this many nodes (default
            :data:`~meshes._common.MAX_NODES` of the dimension); not recorded.

    Returns:
        The metadata (see ``meshes/README.md``): layers ["LLZTO", "n-TiO2", "p-Si"], contacts
        ["left", "right"]; ``parameters`` also records the realised ``surface_rms_nm`` and
        ``surface_min_y_nm`` / ``surface_max_y_nm``.

    Raises:
        ValueError: For non-positive sizes, a negative roughness, a non-positive correlation
            length, a slab thinner than the roughness, roughness too sharp for the films, or
            a mesh estimated above ``max_nodes``.
    """
    out = msh_path(path)
    t1 = positive("tio2_thickness_nm", tio2_thickness_nm)
    t2 = positive("si_thickness_nm", si_thickness_nm)
    slab = positive("llzto_thickness_nm", llzto_thickness_nm)
    w = positive("width_nm", width_nm)
    amp = float(roughness_amplitude_nm)
    if not math.isfinite(amp) or amp < 0.0 or amp > 1e8:
        raise ValueError(f"roughness_amplitude_nm = {roughness_amplitude_nm!r} must be >= 0: "
                         "give an rms height in nm (0 = flat)")
    lc = positive("correlation_length_nm", correlation_length_nm,
                  "give the Gaussian correlation length in nm, e.g. 300")
    choice("offset", offset, ("normal", "vertical"))
    choice("dim", dim, (2, 3))
    h_min, h_max, g = mesh_sizes(h_min_nm, h_max_nm, growth)
    seed = seed_value(seed)
    limit = max_nodes_value(max_nodes, dim)
    if dim == 3:
        h_lat = positive("h_lateral_nm", h_lateral_nm if h_lateral_nm is not None else lc / 8)
        n3 = max(4, math.ceil(w / h_lat))
        nz = graded_count(slab, h_min, h_max, g) + sum(graded_count(t, h_min, h_max, g)
                                                        for t in (t1, t2)) + 1
        check_nodes("rough_interphase", (n3 + 1) ** 2 * nz, limit, 3)  # columns x levels
        return _generate_3d(out, t1, t2, slab, w, amp, lc, offset, h_lat, h_min, h_max, g,
                            seed)

    n = max(64, math.ceil(w / min(lc / 10.0, w / 64.0)))
    check_nodes("rough_interphase", 3 * n, limit, 2)  # the film boundaries' samples alone
    x = np.linspace(0.0, w, n + 1)
    prof = _Profile(w, amp, lc, seed, 4 * n)
    ys = [slab + prof(x)]
    if ys[0].min() <= 0.05 * slab:
        raise ValueError(f"llzto_thickness_nm = {slab:g} leaves less than 5% of the slab under "
                         f"the deepest valley ({slab - ys[0].min():g} nm deep): thicken the slab "
                         "or reduce roughness_amplitude_nm")
    span = 2.0 * (t1 + t2) + w / n
    ys += [_offset(prof, x, slab, d, offset, span) for d in (t1, t1 + t2)]
    arcs = [float(np.sum(np.hypot(np.diff(x), np.diff(y)))) for y in ys]
    lines = [(w, h_min, [slab]), (arcs[0], h_min, [slab, t1 + t2]),
             (arcs[1], h_min, [slab + t1, t2]), (arcs[2], h_min, [slab + t1 + t2])]
    check_nodes("rough_interphase", estimate_nodes_2d(w * (slab + t1 + t2), h_max, g, lines),
                limit, 2)
    params = {"tio2_thickness_nm": t1, "si_thickness_nm": t2, "llzto_thickness_nm": slab,
              "width_nm": w, "roughness_amplitude_nm": amp, "correlation_length_nm": lc,
              "offset": offset, "dim": 2, "h_min_nm": h_min, "h_max_nm": h_max, "growth": g,
              "seed": seed, "surface_rms_nm": float(np.sqrt(np.mean(prof(x[:-1]) ** 2))),
              "surface_min_y_nm": float(ys[0].min()), "surface_max_y_nm": float(ys[0].max())}

    with session("rough_interphase", seed):
        geo = gmsh.model.geo
        b0, b1 = geo.addPoint(0.0, 0.0, 0.0), geo.addPoint(w, 0.0, 0.0)
        curves, ends = [], []
        for y in ys:
            pts = [geo.addPoint(float(xi), float(yi), 0.0) for xi, yi in zip(x, y)]
            curves.append(geo.addSpline(pts))
            ends.append((pts[0], pts[-1]))
        bottom = geo.addLine(b0, b1)
        left = [geo.addLine(b0, ends[0][0])] + [geo.addLine(ends[i][0], ends[i + 1][0])
                                                  for i in range(2)]
        right = [geo.addLine(b1, ends[0][1])] + [geo.addLine(ends[i][1], ends[i + 1][1])
                                                   for i in range(2)]
        lower = [bottom, *curves[:2]]
        surfaces = [geo.addPlaneSurface([geo.addCurveLoop([lower[i], right[i], -curves[i],
                                                           -left[i]])]) for i in range(3)]
        geo.synchronize()
        length = float(np.sum(np.hypot(np.diff(x), np.diff(ys[-1]))))
        background([threshold_field({1: [bottom, *curves]}, h_min, h_max, g,
                                    sampling_length=length)], h_min, h_max)
        gmsh.model.mesh.generate(2)
        return finish(out, generator="rough_interphase", dim=2,
                      cells=[(name, [s]) for name, s in zip(LAYERS, surfaces)],
                      facets=[(CONTACTS[0], [curves[2]]), (CONTACTS[1], [bottom])],
                      parameters=params)


def _generate_3d(out: Path, t1: float, t2: float, slab: float, w: float, amp: float, lc: float,
                 offset: str, h_lat: float, h_min: float, h_max: float, g: float, seed: int
                 ) -> dict[str, Any]:
    n = max(4, math.ceil(w / h_lat))
    surf = rough_surface.Surface(w, amp, lc, seed, n)
    coords, tets, groups, facets, f = rough_surface.build(w, slab, (t1, t2), surf, offset,
                                                          w / n, h_min, h_max, g)
    if (slab + f).min() <= 0.05 * slab:
        raise ValueError(f"llzto_thickness_nm = {slab:g} leaves less than 5% of the slab under "
                         f"the deepest valley ({slab - (slab + f).min():g} nm deep): thicken the "
                         "slab or reduce roughness_amplitude_nm")
    inner = np.ones(len(f), bool)  # the periodic grid without its duplicated last row/column
    inner[n::n + 1] = False
    inner[(n + 1) * n:] = False
    params = {"tio2_thickness_nm": t1, "si_thickness_nm": t2, "llzto_thickness_nm": slab,
              "width_nm": w, "roughness_amplitude_nm": amp, "correlation_length_nm": lc,
              "offset": offset, "dim": 3, "h_lateral_nm": w / n, "h_min_nm": h_min,
              "h_max_nm": h_max, "growth": g, "seed": seed,
              "surface_rms_nm": float(np.sqrt(np.mean(f[inner] ** 2))),
              "surface_min_z_nm": float((slab + f).min()),
              "surface_max_z_nm": float((slab + f).max())}
    with session("rough_interphase", seed):
        cells, facet_tags = _columns.add_to_model(coords, tets, groups, facets)
        return finish(out, generator="rough_interphase", dim=3,
                      cells=list(zip(LAYERS, cells)),
                      facets=list(zip(CONTACTS, facet_tags)), parameters=params)
