"""Plane sections of tetrahedral meshes, for drawing 3D solutions as 2D maps.

A plane ``x_axis = position`` cuts a tetrahedron in a triangle (one vertex on one side) or a
quadrilateral (two on each side, drawn as two triangles). Nodal (P1) values are interpolated
linearly along the cut edges, so a field linear in space is reproduced exactly; per-cell values
follow their cell. Pure numpy, no VTK.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

_AXES = "xyz"


def _cut(a: np.ndarray, b: np.ndarray, X: np.ndarray, d: np.ndarray, vals: list[np.ndarray],
         rows: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Points (and nodal values) where the edges (a, b) of the tetrahedra ``rows`` cross d = 0."""
    da, db = d[rows, a], d[rows, b]
    t = (da / (da - db))[:, None]
    P = X[rows, a] + t * (X[rows, b] - X[rows, a])
    return P, [v[rows, a] + t[:, 0] * (v[rows, b] - v[rows, a]) for v in vals]


def section(X: np.ndarray, nodal: Mapping[str, np.ndarray], axis: int,
            position: float) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Cut tetrahedra with the plane ``X[..., axis] == position``.

    Args:
        X: Vertex coordinates per tetrahedron, shape (n, 4, 3) (any length unit).
        nodal: Values at the four vertices of each tetrahedron, shape (n, 4) per name.
        axis: Normal of the plane: 0, 1 or 2.
        position: Plane position, in the unit of ``X``.

    Returns:
        Triangles in the plane, shape (m, 3, 2) (the two other coordinates in increasing axis
        order), the nodal values at their vertices (m, 3) per name, and the index of the
        tetrahedron each triangle comes from (m,).

    Raises:
        ValueError: ``X`` is not (n, 4, 3) or ``axis`` is not 0, 1 or 2.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 3 or X.shape[1:] != (4, 3):
        raise ValueError(f"section needs tetrahedra of shape (n, 4, 3), got {X.shape}")
    if axis not in (0, 1, 2):
        raise ValueError(f"axis must be 0, 1 or 2, got {axis}")
    names = list(nodal)
    vals = [np.asarray(nodal[k], dtype=float) for k in names]
    d = X[:, :, axis] - position
    scale = max(float(np.ptp(X[:, :, axis])), 1e-300)
    d = np.where(np.abs(d) < 1e-12 * scale, 1e-12 * scale, d)  # on-plane vertices count as above
    neg = d < 0
    k = neg.sum(axis=1)
    order = np.argsort(neg, axis=1, kind="stable")  # vertices above the plane first
    tris: list[np.ndarray] = []
    tvals: list[list[np.ndarray]] = []
    cells: list[np.ndarray] = []

    def add(rows: np.ndarray, corners: list[tuple[np.ndarray, list[np.ndarray]]]) -> None:
        tris.append(np.stack([c[0] for c in corners], axis=1))
        tvals.append([np.stack([c[1][i] for c in corners], axis=1) for i in range(len(vals))])
        cells.append(rows)

    for lone_neg in (True, False):  # one vertex alone on its side: a triangle
        rows = np.flatnonzero(k == (1 if lone_neg else 3))
        o = order[rows]
        lone, others = (o[:, 3], o[:, :3]) if lone_neg else (o[:, 0], o[:, 1:])
        add(rows, [_cut(lone, others[:, j], X, d, vals, rows) for j in range(3)])
    rows = np.flatnonzero(k == 2)  # two on each side: the quad (ac, ad, bd, bc)
    o = order[rows]
    c_, d_, a_, b_ = o[:, 0], o[:, 1], o[:, 2], o[:, 3]
    ac, ad = _cut(a_, c_, X, d, vals, rows), _cut(a_, d_, X, d, vals, rows)
    bd, bc = _cut(b_, d_, X, d, vals, rows), _cut(b_, c_, X, d, vals, rows)
    add(rows, [ac, ad, bd])
    add(rows, [ac, bd, bc])
    keep = [i for i in range(3) if i != axis]
    T = np.concatenate(tris)[:, :, keep]
    V = {n: np.concatenate([tv[i] for tv in tvals]) for i, n in enumerate(names)}
    return T, V, np.concatenate(cells)


def section_samples(samples: Mapping[str, np.ndarray], axis: int = 1,
                    position: float | None = None) -> tuple[dict[str, np.ndarray], str]:
    """A 2D-map sample set (``xy_nm`` triangles) from a 3D one, cut at ``position`` (nm).

    Args:
        samples: ``xy_nm`` of shape (n, 4, 3) in nm, nodal fields (n, 4) and per-cell fields (n,).
        axis: Normal of the cutting plane (default y: for the stacks of meshes/ the plane holds
            the stacking direction).
        position: Plane position in nm; default the middle of the mesh along ``axis``.

    Returns:
        The section's samples (``xy_nm`` of shape (m, 3, 2), same field names) and a label such
        as ``"y = 250 nm"``.
    """
    X = np.asarray(samples["xy_nm"])
    if position is None:
        position = 0.5 * (X[:, :, axis].min() + X[:, :, axis].max())
    nodal = {k: v for k, v in samples.items() if k != "xy_nm" and np.ndim(v) == 2}
    T, V, cells = section(X, nodal, axis, position)
    out: dict[str, np.ndarray] = {"xy_nm": T, **V}
    for k, v in samples.items():
        if k != "xy_nm" and np.ndim(v) == 1:
            out[k] = np.asarray(v)[cells]
    return out, f"{_AXES[axis]} = {position:.4g} nm"
