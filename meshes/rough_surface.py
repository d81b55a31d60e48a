"""The 3D rough interphase: a Gaussian random LLZTO surface under conformal films.

Geometry (nm, x and y across, z up): LLZTO fills ``0 <= z <= llzto_thickness_nm + f(x, y)``
over the square ``[0, width_nm]^2``; n-TiO2 and p-Si follow the surface (offset along its local
normal, or vertically). ``f`` is a seeded Gaussian random field, periodic over the square, zero
mean, rms exactly ``roughness_amplitude_nm`` over the lateral grid, isotropic Gaussian
autocorrelation ``A^2 exp(-r^2 / lc^2)``: Fourier modes ``k = (kx, ky)`` with variances
``~ exp(-(pi |k| lc / W)^2)``, the 2D counterpart of the 2D generator's profile.

Mesh: a structured top view (spacing ``h_lateral_nm``, squares split in two) stacked in
terrain-following levels: LLZTO levels at fractions of the local slab height graded from
``h_min_nm`` at the Au contact and at the surface to ``h_max_nm``; each film's levels graded
from ``h_min_nm`` at both of its faces. Prisms are split into conformal tetrahedra
(:mod:`meshes._columns`). A normal offset that would fold the films (surface curvature radius
below the film stack) is detected (a tetrahedron whose orientation differs from the
vertically offset mesh) and refused.
"""

from __future__ import annotations

import math

import numpy as np

from . import _columns
from ._common import graded_nodes


class Surface:
    """Periodic isotropic Gaussian random surface f(x, y) with exact sampled rms (nm).

    ``f = Re sum_k C_k exp(2 pi i (kx x + ky y) / W)`` over one of each ``+-k`` pair, evaluated
    separably (a table of ``exp(2 pi i kx x / W)`` per point and axis, one matrix product), so
    the cost is ``points x modes`` multiply-adds without a trigonometric call per mode.
    """

    def __init__(self, width: float, rms: float, lc: float, seed: int, n: int) -> None:
        kmax = max(1, math.ceil(width / (math.pi * lc) * math.sqrt(40.0)))
        kx, ky = (a.ravel() for a in np.meshgrid(np.arange(-kmax, kmax + 1),
                                                 np.arange(0, kmax + 1)))
        half = (ky > 0) | ((ky == 0) & (kx > 0))  # one of each +-k pair
        kx, ky = kx[half], ky[half]
        keep = np.hypot(kx, ky) <= kmax
        kx, ky = kx[keep], ky[keep]
        sd = np.exp(-0.5 * (math.pi * np.hypot(kx, ky) * lc / width) ** 2)
        rng = np.random.default_rng(seed)
        a = rng.standard_normal(len(kx)) * sd
        b = rng.standard_normal(len(kx)) * sd
        self.width, self.kmax = width, kmax
        self.coef = np.zeros((2 * kmax + 1, kmax + 1), complex)  # [kx + kmax, ky]
        self.coef[kx + kmax, ky] = a - 1j * b  # a cos(phase) + b sin(phase)
        t = np.linspace(0.0, width, n, endpoint=False)
        X, Y = np.meshgrid(t, t)
        now = math.sqrt(np.mean(self(X.ravel(), Y.ravel()) ** 2))
        self.coef *= rms / now if now > 0 else 0.0

    def _sum(self, x: np.ndarray, y: np.ndarray, coef: np.ndarray) -> np.ndarray:
        w = 2j * math.pi / self.width
        kx = np.arange(-self.kmax, self.kmax + 1)
        ky = np.arange(0, self.kmax + 1)
        x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
        out = np.empty(len(x))
        for s in range(0, len(x), 8192):  # bounded memory for large meshes
            ex = np.exp(w * np.outer(x[s:s + 8192], kx))
            ey = np.exp(w * np.outer(y[s:s + 8192], ky))
            out[s:s + 8192] = np.einsum("pk,pk->p", ex, ey @ coef.T).real
        return out

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Heights ``f`` at the points (nm)."""
        return self._sum(x, y, self.coef)

    def gradient(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(df/dx, df/dy)`` at the points."""
        w = 2j * math.pi / self.width
        kx = np.arange(-self.kmax, self.kmax + 1)[:, None]
        ky = np.arange(0, self.kmax + 1)[None, :]
        return self._sum(x, y, self.coef * w * kx), self._sum(x, y, self.coef * w * ky)


def build(width: float, slab: float, films: tuple[float, float], surface: Surface,
          offset: str, h_lateral: float, h_min: float, h_max: float, growth: float
          ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Nodes and tetrahedra of the 3D rough stack.

    Returns:
        ``(coords, tets, cell masks [LLZTO, n-TiO2, p-Si], facets [top of p-Si, bottom],
        surface heights at the lateral nodes)``.

    Raises:
        ValueError: If the normal offset folds the films.
    """
    n = max(4, math.ceil(width / h_lateral))
    xy, tri = _columns.square_grid(width, n)
    f = surface(xy[:, 0], xy[:, 1])
    fx, fy = surface.gradient(xy[:, 0], xy[:, 1])
    norm = np.sqrt(1.0 + fx**2 + fy**2)
    normal = np.stack([-fx / norm, -fy / norm, 1.0 / norm], axis=1)
    sigma = graded_nodes(slab, h_min, h_max, growth) / slab
    depth = [0.0]
    for t in films:
        depth += (depth[-1] + graded_nodes(t, h_min, h_max, growth)[1:]).tolist()
    levels_z = [np.stack([xy[:, 0], xy[:, 1], s * (slab + f)], axis=1) for s in sigma]
    top = np.stack([xy[:, 0], xy[:, 1], slab + f], axis=1)
    layer_of_level = [0] * (len(sigma) - 1)
    vertical, offset_levels = [], []
    bounds = np.cumsum([0.0, *films])
    for d in depth[1:]:
        vertical.append(top + np.array([0.0, 0.0, d]))
        offset_levels.append(top + d * normal if offset == "normal" else vertical[-1])
        layer_of_level.append(1 if d <= bounds[1] + 1e-9 else 2)
    coords = np.concatenate(levels_z + offset_levels)
    tets, interval = _columns.prism_tetrahedra(tri, len(xy), len(sigma) + len(depth) - 1)
    reference = np.concatenate(levels_z + vertical)
    sign_ref = np.sign(_columns.signed_volumes(reference, tets))
    if offset == "normal" and np.any(np.sign(_columns.signed_volumes(coords, tets))
                                     != sign_ref):
        raise ValueError("roughness_amplitude_nm / correlation_length_nm curve the LLZTO "
                         f"surface tighter than the film stack ({bounds[-1]:g} nm) can follow "
                         "along the normal: increase correlation_length_nm, reduce "
                         "roughness_amplitude_nm or use offset='vertical'")
    tets = _columns.orient(reference, tets)
    layer = np.asarray(layer_of_level)[interval]
    last = len(sigma) + len(depth) - 2
    facets = [tri + last * len(xy), tri]  # top of the p-Si, the Au bottom (z = 0)
    return coords, tets, [layer == i for i in range(3)], facets, f
