"""Plane sections of tetrahedral meshes (solver.results.slices)."""

from __future__ import annotations

import numpy as np
import pytest

from solver.results.maps import field_maps
from solver.results.slices import section, section_samples


def kuhn_cube(n: int, lengths=(1.0, 2.0, 3.0)) -> np.ndarray:
    """Tetrahedra (6 per cube) of an n^3 grid of the box ``lengths``, shape (6 n^3, 4, 3)."""
    perms = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
    tets = []
    for i in range(n):
        for j in range(n):
            for k in range(n):
                o = np.array([i, j, k], dtype=float)
                for p in perms:
                    v = [o.copy()]
                    for ax in p:
                        nxt = v[-1].copy()
                        nxt[ax] += 1
                        v.append(nxt)
                    tets.append(np.array(v) / n * np.asarray(lengths))
    return np.array(tets)


def tri_area(T: np.ndarray) -> np.ndarray:
    a, b = T[:, 1] - T[:, 0], T[:, 2] - T[:, 0]
    return 0.5 * np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])


@pytest.mark.parametrize("axis, position", [(0, 0.37), (1, 1.0), (2, 2.9), (1, 0.5)])
def test_section_area_and_linear_field_exact(axis, position):
    L = (1.0, 2.0, 3.0)
    X = kuhn_cube(4, L)
    f = 1.5 * X[:, :, 0] - 0.7 * X[:, :, 1] + 0.2 * X[:, :, 2] + 4.0
    T, V, cells = section(X, {"f": f}, axis, position)
    area = np.prod([L[i] for i in range(3) if i != axis])
    assert tri_area(T).sum() == pytest.approx(area, rel=1e-12)
    # the linear field at the section's vertices equals its formula there
    keep = [i for i in range(3) if i != axis]
    full = np.zeros(T.shape[:2] + (3,))
    full[:, :, keep] = T
    full[:, :, axis] = position
    expect = 1.5 * full[:, :, 0] - 0.7 * full[:, :, 1] + 0.2 * full[:, :, 2] + 4.0
    assert np.max(np.abs(V["f"] - expect)) < 1e-10  # on-plane vertices: 1e-12 nudge
    # every triangle lies inside the tetrahedron it came from
    lo, hi = X[cells][:, :, keep].min(axis=1), X[cells][:, :, keep].max(axis=1)
    assert np.all(T >= lo[:, None] - 1e-12) and np.all(T <= hi[:, None] + 1e-12)


def test_plane_outside_gives_nothing_and_bad_shapes_raise():
    X = kuhn_cube(2)
    T, V, cells = section(X, {"f": X[:, :, 0]}, 0, 5.0)
    assert len(T) == 0 and len(V["f"]) == 0 and len(cells) == 0
    with pytest.raises(ValueError, match=r"\(n, 4, 3\)"):
        section(X[:, :3], {}, 0, 0.5)
    with pytest.raises(ValueError, match="axis"):
        section(X, {}, 3, 0.5)


def test_section_samples_carries_cell_values_and_draws(tmp_path):
    X = kuhn_cube(3, (100.0, 100.0, 20.0))
    z = X[:, :, 2]
    samples = {"xy_nm": X, "psi_V": z / 20.0, "log10_n_cm3": 10 + z / 5, "log10_p_cm3": 18 - z / 5,
               "log10_J_A_per_cm2": np.arange(len(X), dtype=float)}
    cut, where = section_samples(samples)
    assert where == "y = 50 nm"
    assert cut["xy_nm"].shape[1:] == (3, 2)
    assert len(cut["log10_J_A_per_cm2"]) == len(cut["xy_nm"])
    # psi follows z (the second in-plane coordinate) exactly
    assert np.allclose(cut["psi_V"], cut["xy_nm"][:, :, 1] / 20.0)
    field_maps(tmp_path / "map.png", samples, "3D test")
    assert (tmp_path / "map.png").stat().st_size > 10_000
