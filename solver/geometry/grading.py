"""Graded 1D node distributions: geometric refinement toward every interface and contact."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..case import Case, Layer
from ..constants import eps0, k_B, q
from ..errors import CaseError
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


def half_cells(half: float, grid: LayerGrid) -> float:
    """Cells :func:`graded_segment` puts on half a segment, computed without building it.

    Geometric steps ``h_min g^k`` until they reach ``h_max``, then ``h_max`` steps (logarithms
    only, so no overflow for any growth or length).

    Args:
        half: Half the segment length (m).
        grid: Spacing rules.
    """
    h0, hm, lg = grid.h_min, grid.h_max, math.log(grid.growth)
    k = max(0.0, math.ceil(math.log(hm / h0) / lg))  # steps below h_max
    geometric = h0 * math.expm1(k * lg) / math.expm1(lg)
    if geometric >= half:
        return math.log1p(half * math.expm1(lg) / h0) / lg
    return k + (half - geometric) / hm


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
    h = grid.h_min
    while total < half:
        if h < grid.h_max:  # once at h_max the steps stay there (and g^k never overflows)
            h = min(grid.h_min * grid.growth ** len(steps), grid.h_max)
        steps.append(h)
        total += h
    if len(steps) > 1 and total - half > 0.5 * steps[-1]:
        total -= steps.pop()
    s = np.asarray(steps) * (half / total)
    spacing = np.concatenate([s, s[::-1]])
    x = a + np.concatenate([[0.0], np.cumsum(spacing)])
    x[-1] = b
    return x


def check_size(case: Case, grids: list[LayerGrid]) -> int:
    """The stack's node count, estimated before any node is made; refused above the limit.

    Raises:
        CaseError: More nodes than ``[mesh] max_nodes`` (default :data:`MAX_NODES` for 1D),
            naming the layer with the most cells and how to coarsen it.
    """
    cells = [2.0 * half_cells(0.5 * ly.thickness, g) for ly, g in zip(case.layers, grids)]
    total, limit = sum(cells) + 1.0, case.mesh.node_limit(1)
    if total > limit:
        i = int(np.argmax(cells))
        ly, g = case.layers[i], grids[i]
        raise CaseError(
            f"the 1D mesh would have {total:.3g} nodes, {cells[i]:.3g} in this layer "
            f"({ly.thickness * 1e9:g} nm, cells {g.h_min * 1e9:.3g} .. {g.h_max * 1e9:.3g} nm, "
            f"growth {g.growth:g}); at most {limit:,}", file=case.path, key=f"layers[{i}]",
            hint="raise mesh_min_nm / mesh_max_nm / mesh_growth (or [mesh] min_nm, max_nm, "
            "growth), or [mesh] max_nodes")
    return round(total)


def stack_nodes(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Nodes of the whole stack and the layer interface positions (m).

    Returns:
        ``(x, bounds)``: sorted node coordinates, and ``len(layers) + 1`` layer boundaries.

    Raises:
        CaseError: The mesh would exceed ``[mesh] max_nodes`` (checked before it is built).
    """
    bounds = np.concatenate([[0.0], np.cumsum([ly.thickness for ly in case.layers])])
    grids = [layer_grid(case, ly) for ly in case.layers]
    check_size(case, grids)
    parts = [graded_segment(bounds[i], bounds[i + 1], grids[i])
             for i in range(len(case.layers))]
    x = np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])
    return x, bounds
