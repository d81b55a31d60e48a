"""Shared helpers of the gmsh generators: validation, gmsh session, size fields, output."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import gmsh
import numpy as np

MSH_VERSION = 4.1
#: default largest mesh (nodes) a generator makes, by dimension; ``max_nodes=`` raises it
#: (interphase passes a case's ``[mesh] max_nodes``; the same defaults as there)
MAX_NODES = {2: 200_000, 3: 60_000}
#: 3D nodes of an ion-free device the iterative solver fits in 24 GB on 2 ranks (3 unknowns per
#: node at 5.1-5.6 kB per unknown per rank: benchmarks/bench_3d.py, benchmarks/README.md)
ITERATIVE_3D_NODES = 400_000
#: longest length any generator takes (nm): 10 cm
MAX_LENGTH_NM = 1e8
#: nodes per unit area of a triangulation of size h (equilateral triangles): C2 / h^2
_C2 = 2.0 / math.sqrt(3.0)
_ELEMENT = {2: "triangle", 3: "tetrahedron"}
_GMSH_TYPE = {2: 2, 3: 4}  # gmsh element type of the linear simplex of each dimension


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def positive(name: str, value: float, fix: str = "give a positive size",
             high: float = MAX_LENGTH_NM) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` unless it is finite, > 0, <= high.

    Args:
        name: Parameter name, quoted in the message.
        value: The value.
        fix: How to fix it, appended to the message.
        high: Largest value accepted (default 1e8 nm = 10 cm, for lengths).
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} = {value!r} is not a number: {fix}")
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name} = {_shown(value)} is not a number: {fix}") from None
    if not math.isfinite(v) or v <= 0.0:
        raise ValueError(f"{name} = {_shown(value)} must be > 0: {fix}")
    if v > high:
        raise ValueError(f"{name} = {v:g} is larger than {high:g}: {fix}")
    return v


def seed_value(seed: Any) -> int:
    """A gmsh / numpy random seed: an integer in [0, 2^31)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) \
            or not 0 <= seed < 2**31:
        raise ValueError(f"seed = {_shown(seed)} must be an integer in [0, 2^31): give e.g. 0")
    return int(seed)


def max_nodes_value(max_nodes: Any, dim: int) -> int:
    """The node limit: ``max_nodes`` (a positive integer) or the default for ``dim``."""
    if max_nodes is None:
        return MAX_NODES[dim]
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int | np.integer) \
            or max_nodes < 1:
        raise ValueError(f"max_nodes = {_shown(max_nodes)} must be a positive integer")
    return int(max_nodes)


def _band(h0: float, h_max: float, growth: float, reach: float) -> float:
    """Integral over d in [0, reach] of ``1/h(d)^2 - 1/h_max^2`` for a Threshold field.

    ``h(d) = h0`` up to ``d = h0``, then ``h0 + (growth - 1) (d - h0)`` up to ``h_max``.
    """
    if h0 >= h_max or reach <= 0.0:
        return 0.0
    g1 = growth - 1.0
    total = min(reach, h0) * (1.0 / h0**2 - 1.0 / h_max**2)
    if reach > h0:
        b = min(reach, h0 + (h_max - h0) / g1)
        hb = h0 + g1 * (b - h0)
        total += (1.0 / h0 - 1.0 / hb) / g1 - (b - h0) / h_max**2
    return total


def _disc(h0: float, h_max: float, growth: float, angle: float) -> float:
    """Integral of ``1/h(r)^2 - 1/h_max^2`` over a sector of ``angle`` around a refined point."""
    if h0 >= h_max:
        return 0.0
    g1 = growth - 1.0
    inner = 0.5 * h0**2 * (1.0 / h0**2 - 1.0 / h_max**2)
    r_top = h0 + (h_max - h0) / g1
    ramp = ((h0 - h0 / g1) * (1.0 / h0 - 1.0 / h_max) + math.log(h_max / h0) / g1) / g1
    ramp -= (r_top**2 - h0**2) / (2.0 * h_max**2)
    return angle * (inner + max(ramp, 0.0))


def estimate_nodes_2d(area: float, h_max: float, growth: float,
                      lines: Sequence[tuple[float, float, Sequence[float]]] = (),
                      points: Sequence[tuple[float, float]] = ()) -> float:
    """Nodes of a 2D mesh with Threshold fields, estimated before gmsh runs (an upper estimate).

    Density ``C2 / h^2`` integrated over the domain: ``h_max`` everywhere, plus the refined
    band of every curve and the disc of every refined point (overlapping refinements add up,
    so thin films are overestimated by up to the number of curves in them).

    Args:
        area: Domain area (nm^2).
        h_max: Largest cell (nm).
        growth: Neighbour size ratio (> 1).
        lines: ``(length_nm, h_nm, reaches_nm)`` of every refined curve: its length, its cell
            size and, per side, how far the domain extends from it.
        points: ``(h_nm, angle)`` of every refined point: its cell size and the domain's angle
            around it (2 pi inside, pi on a straight edge).
    """
    n = area / h_max**2
    for length, h, reaches in lines:
        n += length * sum(_band(h, h_max, growth, r) for r in reaches)
    for h, angle in points:
        n += _disc(h, h_max, growth, angle)
    return _C2 * n


def check_nodes(generator: str, estimate: float, limit: int, dim: int) -> None:
    """Refuse a mesh estimated above ``limit`` nodes, before gmsh allocates anything."""
    if estimate > limit:
        more = ("; the 3D default is sized for the direct solver: with [solver] "
                f"linear_solver = \"iterative\" (ion-free devices) ~{ITERATIVE_3D_NODES:,} nodes "
                "fit in 24 GB" if dim == 3 and limit <= MAX_NODES[3] else "")
        raise ValueError(f"{generator}: the {dim}D mesh would have about {estimate:.3g} nodes, "
                         f"more than max_nodes = {limit:,}: raise h_min_nm / h_max_nm (or "
                         f"max_nodes, [mesh] max_nodes in a case){more}")


def mesh_sizes(h_min_nm: float, h_max_nm: float, growth: float) -> tuple[float, float, float]:
    """Validate the common mesh-size parameters.

    Args:
        h_min_nm: Smallest cell size, at interfaces and contacts (nm).
        h_max_nm: Largest cell size, in the bulk (nm).
        growth: Largest size ratio of neighbouring cells (> 1).

    Returns:
        ``(h_min_nm, h_max_nm, growth)`` as floats.
    """
    h_min = positive("h_min_nm", h_min_nm)
    h_max = positive("h_max_nm", h_max_nm)
    if h_max < h_min:
        raise ValueError(f"h_max_nm = {h_max:g} is below h_min_nm = {h_min:g}: "
                         "make h_max_nm >= h_min_nm")
    g = positive("growth", growth, "give a size ratio > 1, e.g. 1.3", high=10.0)
    if g <= 1.0:
        raise ValueError(f"growth = {g:g} must be > 1: give a size ratio > 1, e.g. 1.3")
    return h_min, h_max, g


def choice(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``."""
    if value not in allowed:
        raise ValueError(f"{name} = {value!r} is not supported: use one of "
                         + ", ".join(repr(a) for a in allowed))
    return value


def msh_path(path: str | Path) -> Path:
    """Validate the output path (must end in .msh) and create its folder."""
    p = Path(path)
    if p.suffix != ".msh":
        raise ValueError(f"path = {str(p)!r} must end in .msh: rename the output file")
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def graded_nodes(length: float, h_min: float, h_max: float, growth: float,
                 refine: tuple[bool, bool] = (True, True)) -> np.ndarray:
    """Nodes on [0, length], spacing h_min at the refined ends growing by ``growth`` to h_max.

    The target spacing is ``h(d) = min(h_min + (growth - 1) max(d - h_min, 0), h_max)`` with
    ``d`` the distance to the nearest refined end (the law of the gmsh Threshold fields); the
    number of cells is ``ceil(int dx / h)`` and the nodes are equidistributed in that measure, so
    the end cells are at most h_min.

    Args:
        length: Segment length (nm).
        h_min: Spacing at the refined ends (nm).
        h_max: Largest spacing (nm).
        growth: Size ratio of neighbouring cells (> 1).
        refine: Whether the left / right end is refined.

    Returns:
        Increasing node coordinates (nm), first exactly 0 and last exactly ``length``.
    """
    x, w = _measure(length, h_min, h_max, growth, refine)
    n = max(1, math.ceil(w[-1] - 1e-9))
    if n > 10**7:
        raise ValueError(f"a graded line of {length:g} nm with {h_min:g} nm cells would have "
                         f"{n:.3g} cells: raise h_min_nm")
    nodes = np.interp(np.linspace(0.0, w[-1], n + 1), w, x)
    nodes[0], nodes[-1] = 0.0, length
    return nodes


def graded_count(length: float, h_min: float, h_max: float, growth: float,
                 refine: tuple[bool, bool] = (True, True)) -> int:
    """Cells :func:`graded_nodes` would make (without making them)."""
    return max(1, math.ceil(_measure(length, h_min, h_max, growth, refine)[1][-1] - 1e-9))


def _measure(length: float, h_min: float, h_max: float, growth: float,
             refine: tuple[bool, bool]) -> tuple[np.ndarray, np.ndarray]:
    """Samples ``x`` of [0, length] and the cell count ``w(x) = int_0^x ds / h(s)``."""
    x = np.linspace(0.0, length, 4001)
    d = np.full_like(x, np.inf)
    if refine[0]:
        d = np.minimum(d, x)
    if refine[1]:
        d = np.minimum(d, length - x)
    h = np.minimum(h_min + (growth - 1.0) * np.clip(d - h_min, 0.0, length), h_max)
    w = np.concatenate([[0.0], np.cumsum(0.5 * (1 / h[1:] + 1 / h[:-1]) * np.diff(x))])
    return x, w


@contextmanager
def session(name: str, seed: int) -> Iterator[None]:
    """A quiet, deterministic gmsh session with a fresh model; finalises gmsh on exit.

    If gmsh is already initialised (by the caller), a new model is added and removed on exit
    instead, and gmsh is left initialised.

    Args:
        name: Model name.
        seed: Seed of gmsh's pseudo-random generator (``Mesh.RandomSeed``).
    """
    own = not gmsh.isInitialized()
    if own:
        gmsh.initialize(readConfigFiles=False, interruptible=False)
    try:
        for key, value in (("General.Terminal", 0), ("General.Verbosity", 1),
                           ("General.NumThreads", 1), ("Mesh.RandomSeed", int(seed)),
                           ("Mesh.MshFileVersion", MSH_VERSION), ("Mesh.ElementOrder", 1),
                           ("Mesh.SaveAll", 0), ("Mesh.Binary", 1),
                           ("Mesh.MeshSizeExtendFromBoundary", 0),
                           ("Mesh.MeshSizeFromPoints", 0), ("Mesh.MeshSizeFromCurvature", 0),
                           ("Mesh.Algorithm", 6)):
            gmsh.option.setNumber(key, value)
        gmsh.model.add(name)
        yield
    finally:
        if own:
            gmsh.finalize()
        else:
            gmsh.model.remove()


def threshold_field(entities: dict[int, Sequence[int]], h_min: float, h_max: float,
                    growth: float, sampling_length: float | None = None) -> int:
    """Add a Distance + Threshold field: size h_min on the entities, growing linearly to h_max.

    The size is h_min up to a distance h_min, then grows by ``(growth - 1) * distance``, so
    neighbouring cells differ by about ``growth``.

    Args:
        entities: Entity tags per dimension: 0 points, 1 curves, 2 surfaces.
        h_min: Size on the entities (nm).
        h_max: Size far from them (nm).
        growth: Neighbour size ratio (> 1).
        sampling_length: Longest curve length (nm), to sample curves every h_min / 2.

    Returns:
        The Threshold field tag.
    """
    f = gmsh.model.mesh.field
    dist = f.add("Distance")
    for dim, key in ((0, "PointsList"), (1, "CurvesList"), (2, "SurfacesList")):
        if entities.get(dim):
            f.setNumbers(dist, key, list(entities[dim]))
    if sampling_length is not None:
        f.setNumber(dist, "Sampling", min(20000, max(20, math.ceil(2 * sampling_length / h_min))))
    thr = f.add("Threshold")
    f.setNumber(thr, "InField", dist)
    f.setNumber(thr, "SizeMin", h_min)
    f.setNumber(thr, "SizeMax", h_max)
    f.setNumber(thr, "DistMin", h_min)
    f.setNumber(thr, "DistMax", h_min + max((h_max - h_min) / (growth - 1.0), 1e-9))
    return thr


def background(fields: Sequence[int], h_min: float, h_max: float) -> None:
    """Use the minimum of ``fields`` as the background mesh size, clamped to [h_min, h_max]."""
    f = gmsh.model.mesh.field
    fmin = f.add("Min")
    f.setNumbers(fmin, "FieldsList", list(fields))
    f.setAsBackgroundMesh(fmin)
    gmsh.option.setNumber("Mesh.MeshSizeMin", h_min)
    gmsh.option.setNumber("Mesh.MeshSizeMax", h_max)


def snap(planes: dict[int, Sequence[float]], tol: float) -> None:
    """Move mesh nodes within ``tol`` of a coordinate plane exactly onto it.

    OpenCASCADE transforms leave round-off (1e-13 nm) on straight boundaries; contacts and
    interfaces must lie exactly at their nominal coordinates.

    Args:
        planes: Plane positions per axis (0 = x, 1 = y, 2 = z), nm.
        tol: Snapping distance (nm).
    """
    tags, coords, _ = gmsh.model.mesh.getNodes(includeBoundary=True)
    xyz = coords.reshape(-1, 3).copy()
    moved = np.zeros(len(tags), bool)
    for axis, values in planes.items():
        for v in values:
            near = (np.abs(xyz[:, axis] - v) < tol) & (xyz[:, axis] != v)
            xyz[near, axis] = v
            moved |= near
    for i in np.flatnonzero(moved):
        gmsh.model.mesh.setNode(int(tags[i]), xyz[i].tolist(), [])


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def finish(path: Path, *, generator: str, dim: int, cells: Sequence[tuple[str, Sequence[int]]],
           facets: Sequence[tuple[str, Sequence[int]]], parameters: dict[str, Any]
           ) -> dict[str, Any]:
    """Add the physical groups, check them, write the .msh and the .json metadata atomically.

    Cell groups get physical tags 1..n in order, facet groups n+1..n+m.

    Args:
        path: Output .msh path.
        generator: Generator name (recorded in the metadata).
        dim: Mesh dimension (2 or 3).
        cells: (layer name, entity tags of dimension ``dim``) per cell group.
        facets: (contact name, entity tags of dimension ``dim - 1``) per facet group.
        parameters: Resolved generator parameters.

    Returns:
        The metadata dict (also written to ``path`` with suffix .json).
    """
    model = gmsh.model
    tags: dict[str, dict[str, int]] = {"cells": {}, "facets": {}}
    for kind, d, groups, start in (("cells", dim, cells, 1), ("facets", dim - 1, facets,
                                                               len(cells) + 1)):
        for i, (name, ents) in enumerate(groups):
            if not ents:
                raise RuntimeError(f"{generator}: physical group {name!r} has no entities")
            model.addPhysicalGroup(d, sorted(set(ents)), start + i, name=name)
            tags[kind][name] = start + i
    owned = [t for _, ents in cells for t in ents]
    every = sorted(t for _, t in model.getEntities(dim))
    if sorted(owned) != every:
        raise RuntimeError(f"{generator}: cell entities {every} are not each in exactly one "
                           f"physical group ({sorted(owned)})")
    # contiguous node tags 1..N over the saved elements (DOLFINx 0.5 requires it), then
    # elements; spline control points and other unused nodes are dropped
    model.mesh.renumberNodes()
    model.mesh.renumberElements()
    types, _, conn = model.mesh.getElements(dim)
    if list(types) != [_GMSH_TYPE[dim]]:
        raise RuntimeError(f"{generator}: expected only linear simplices, got types {types}")
    used = np.unique(conn[0])
    node_tags, coords, _ = model.mesh.getNodes()
    xyz = coords.reshape(-1, 3)[np.argsort(node_tags)][np.searchsorted(np.sort(node_tags), used)]
    meta = {
        "generator": generator,
        "dim": dim,
        "layers": [n for n, _ in cells],
        "contacts": [n for n, _ in facets],
        "physical_tags": tags,
        "nodes": len(used),
        "cells": len(conn[0]) // (dim + 1),
        "element": _ELEMENT[dim],
        "bounding_box_nm": [xyz.min(axis=0)[:dim].tolist(), xyz.max(axis=0)[:dim].tolist()],
        "units": "nm",
        "msh_version": MSH_VERSION,
        "gmsh_version": gmsh.__version__,
        "parameters": parameters,
    }
    _atomic(path, lambda p: gmsh.write(str(p)))
    text = json.dumps(meta, indent=2) + "\n"
    _atomic(path.with_suffix(".json"), lambda p: p.write_text(text))
    return meta
