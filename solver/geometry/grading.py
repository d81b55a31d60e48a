"""Graded 1D node distributions: geometric refinement toward every interface and contact."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..case import Case, Layer
from ..constants import eps0, k_B, q
from ..materials import Electrolyte


@dataclass(frozen=True)
class LayerGrid:
    """Spacing rules for one layer (lengths in m)."""

    h_min: float
    h_max: float
    growth: float


def debye_length(case: Case, layer: Layer, T: float) -> float:
    """Extrinsic Debye length of a layer (m), from its doping or mobile-ion density.

    Args:
        case: The case (for materials).
        layer: The layer.
        T: Temperature (K).
    """
    mat = case.materials.get(layer.material)
    state = mat.at(T)
    density = layer.donors + layer.acceptors
    if isinstance(mat, Electrolyte):
        density = max(density, sum(i.concentration * i.z**2 for i in mat.ions))
    density = max(density, state.ni)
    return math.sqrt(state.eps_r * eps0 * k_B * T / (q**2 * density))


def layer_grid(case: Case, layer: Layer) -> LayerGrid:
    """The spacing rules of ``layer``: its own keys, else [mesh] keys, else Debye-length defaults.

    Defaults: ``h_min = min(L_D / 30, t / 20)``; ``h_max = min(t / 10, max(L_D, t / 300))``, so a
    thick, lightly doped layer still gets at least ~10 cells and the depletion edge is resolved;
    L_D / 30 puts double-layer charge within 0.5 % (Gouy-Chapman; L_D / 8 gives 4 %).
    """
    T = min(case.temperatures)
    t = layer.thickness
    ld = debye_length(case, layer, T)
    h_min = layer.mesh_min or case.mesh.min_spacing or min(ld / 30.0, t / 20.0)
    h_max = layer.mesh_max or case.mesh.max_spacing or min(t / 10.0, max(ld, t / 300.0))
    growth = layer.mesh_growth or case.mesh.growth
    return LayerGrid(h_min=min(h_min, t / 2), h_max=max(min(h_max, t / 2), min(h_min, t / 2)),
                     growth=growth)


def graded_segment(a: float, b: float, grid: LayerGrid) -> np.ndarray:
    """Nodes on [a, b], smallest cells at both ends, growing geometrically toward the middle.

    Args:
        a: Left end.
        b: Right end (> a).
        grid: Spacing rules.

    Returns:
        Sorted node coordinates including both ends.
    """
    half = 0.5 * (b - a)
    steps: list[float] = []
    total = 0.0
    while total < half:
        h = min(grid.h_min * grid.growth ** len(steps), grid.h_max)
        steps.append(h)
        total += h
        if len(steps) > 10_000_000:
            raise ValueError("mesh would exceed 1e7 cells per layer; raise mesh_min/mesh_max")
    if len(steps) > 1 and total - half > 0.5 * steps[-1]:
        total -= steps.pop()
    s = np.asarray(steps) * (half / total)
    spacing = np.concatenate([s, s[::-1]])
    x = a + np.concatenate([[0.0], np.cumsum(spacing)])
    x[-1] = b
    return x


def stack_nodes(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Nodes of the whole stack and the layer interface positions (m).

    Returns:
        ``(x, bounds)``: sorted node coordinates, and ``len(layers) + 1`` layer boundaries.
    """
    bounds = np.concatenate([[0.0], np.cumsum([ly.thickness for ly in case.layers])])
    parts = [graded_segment(bounds[i], bounds[i + 1], layer_grid(case, ly))
             for i, ly in enumerate(case.layers)]
    x = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])
    return x, bounds
