"""Each generator writes a valid, correctly tagged mesh (read back with meshio, gmsh, DOLFINx)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mpi4py import MPI

from helpers import CASES
from meshes import GENERATORS, extruded_stack, grain_boundary, onchip, rough_interphase
from meshes.dolfinx_io import read_msh


def test_registry():
    assert set(GENERATORS) == {"onchip", "rough_interphase", "grain_boundary", "extruded_stack",
                               "grain_network"}


@pytest.mark.parametrize("kw", [
    {"h_min_nm": 2.0, "die_width_nm": 400.0, "pad_width_nm": 100.0},
    {"tio2_thickness_nm": 5.0, "si_thickness_nm": 20.0, "h_min_nm": 2.5, "h_max_nm": 20.0,
     "h_edge_nm": 1.0, "die_width_nm": 300.0, "pad_width_nm": 250.0},
    {},  # the defaults (1 nm at every interface)
])
def test_onchip_2d(tmp_path, check, kw):
    meta = onchip.generate(tmp_path / "d.msh", **kw)
    p = meta["parameters"]
    t1, t2, w, pad, h = (p["tio2_thickness_nm"], p["si_thickness_nm"], p["die_width_nm"],
                         p["pad_width_nm"], p["h_min_nm"])
    m = check(tmp_path / "d.msh", meta)
    assert meta["layers"] == ["n-TiO2", "p-Si"] and meta["contacts"] == ["bottom", "top"]
    assert meta["bounding_box_nm"] == [[0.0, 0.0], [w, t1 + t2]]
    assert m.measure("n-TiO2").sum() == pytest.approx(w * t1, rel=1e-9)
    assert m.measure("p-Si").sum() == pytest.approx(w * t2, rel=1e-9)
    assert np.all(m.centroids("n-TiO2")[:, 1] < t1) and np.all(m.centroids("p-Si")[:, 1] > t1)
    bottom, top = m.points[m.groups["bottom"]], m.points[m.groups["top"]]
    assert np.all(bottom[..., 1] == 0.0) and m.measure("bottom").sum() == pytest.approx(w)
    assert np.all(top[..., 1] == pytest.approx(t1 + t2))
    assert np.all(np.abs(top[..., 0] - 0.5 * w) <= 0.5 * pad + 1e-9)
    assert m.measure("top").sum() == pytest.approx(pad)
    assert m.measure("top").max() < 1.5 * h and m.measure("bottom").max() < 1.5 * h
    # crowding at the pad edges: the cells touching an edge are no larger than h_edge
    edge = np.flatnonzero(np.isclose(m.points[:, 0], 0.5 * (w - pad))
                          & np.isclose(m.points[:, 1], t1 + t2))
    assert len(edge) == 1
    around = np.any(m.cells() == edge[0], axis=1)
    assert 0 < around.sum() < 12
    area = w * (t1 + t2)
    assert area / (0.433 * 8 * h**2) < meta["nodes"] < area / (0.433 * 0.1 * h**2)


def test_onchip_3d(tmp_path, check):
    w, pad, t1, t2 = 300.0, 100.0, 8.0, 12.0
    meta = onchip.generate(tmp_path / "d3.msh", dim=3, die_width_nm=w, pad_width_nm=pad,
                           tio2_thickness_nm=t1, si_thickness_nm=t2, h_min_nm=2.0,
                           h_max_nm=60.0)
    m = check(tmp_path / "d3.msh", meta)
    assert meta["dim"] == 3 and meta["element"] == "tetrahedron"
    assert meta["bounding_box_nm"] == [[0.0, 0.0, 0.0], [w, w, t1 + t2]]
    assert m.measure("n-TiO2").sum() == pytest.approx(w * w * t1, rel=1e-9)
    assert m.measure("p-Si").sum() == pytest.approx(w * w * t2, rel=1e-9)
    assert np.all(m.centroids("n-TiO2")[:, 2] < t1) and np.all(m.centroids("p-Si")[:, 2] > t1)
    top, bottom = m.points[m.groups["top"]], m.points[m.groups["bottom"]]
    assert np.all(bottom[..., 2] == 0.0) and m.measure("bottom").sum() == pytest.approx(w * w)
    assert np.all(top[..., 2] == pytest.approx(t1 + t2))
    assert np.all(np.abs(top[..., :2] - 0.5 * w) <= 0.5 * pad + 1e-9)
    assert m.measure("top").sum() == pytest.approx(pad * pad)
    # vertical grading: the first node layer above the bottom contact is at (about) h_min
    z = np.unique(m.points[np.unique(m.cells())][:, 2])
    assert 1.5 < z[1] <= 2.0 and 5 < len(z) < 20


def _distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    a, b = line[:-1], line[1:]
    ab = b - a
    t = np.clip(np.einsum("pij,ij->pi", points[:, None, :] - a, ab)
                / np.einsum("ij,ij->i", ab, ab), 0.0, 1.0)
    closest = a + t[..., None] * ab
    return np.linalg.norm(points[:, None, :] - closest, axis=2).min(axis=1)


@pytest.mark.parametrize("kw", [
    {},
    {"offset": "vertical", "seed": 7, "roughness_amplitude_nm": 30.0},
    {"roughness_amplitude_nm": 0.0, "tio2_thickness_nm": 6.0},
    {"correlation_length_nm": 150.0, "si_thickness_nm": 15.0, "seed": 3},
])
def test_rough_interphase(tmp_path, check, kw):
    base = {"width_nm": 1000.0, "llzto_thickness_nm": 500.0, "h_min_nm": 3.0,
            "h_max_nm": 150.0}
    meta = rough_interphase.generate(tmp_path / "r.msh", **{**base, **kw})
    p = meta["parameters"]
    w, t1, t2 = p["width_nm"], p["tio2_thickness_nm"], p["si_thickness_nm"]
    m = check(tmp_path / "r.msh", meta)
    assert meta["layers"] == ["LLZTO", "n-TiO2", "p-Si"] and meta["contacts"] == ["left", "right"]
    assert p["surface_rms_nm"] == pytest.approx(p["roughness_amplitude_nm"], abs=1e-9)
    assert m.measure("LLZTO").sum() == pytest.approx(w * p["llzto_thickness_nm"], rel=2e-3)
    right = m.points[m.groups["right"]]
    assert np.all(right[..., 1] == 0.0) and m.measure("right").sum() == pytest.approx(w)
    left = m.points[m.groups["left"]]
    si_nodes = np.unique(m.groups["p-Si"])
    assert np.all(np.isin(m.groups["left"], si_nodes))
    assert left[..., 0].min() == 0.0 and left[..., 0].max() == pytest.approx(w)
    assert left[..., 1].min() > p["surface_min_y_nm"] + t1
    assert m.measure("left").max() < 1.5 * p["h_min_nm"]
    # film thicknesses: constant along the normal (offset="normal") or along y ("vertical")
    nodes = {n: set(np.unique(m.groups[n]).tolist()) for n in meta["layers"]}
    surf = m.points[sorted(nodes["LLZTO"] & nodes["n-TiO2"])][:, :2]
    mid = m.points[sorted(nodes["n-TiO2"] & nodes["p-Si"])][:, :2]
    surf = surf[np.argsort(surf[:, 0])]
    if p["offset"] == "normal":
        d = _distance_to_polyline(mid, surf)
        s = m.measure("left").sum()  # offset curves of a periodic profile share its length
        assert m.measure("n-TiO2").sum() == pytest.approx(t1 * s, rel=1e-2)
        assert m.measure("p-Si").sum() == pytest.approx(t2 * s, rel=1e-2)
    else:
        d = mid[:, 1] - np.interp(mid[:, 0], surf[:, 0], surf[:, 1])
        assert m.measure("n-TiO2").sum() == pytest.approx(t1 * w, rel=1e-2)
    np.testing.assert_allclose(d, t1, rtol=0.03)


def test_rough_interphase_is_seeded(tmp_path):
    kw = {"width_nm": 600.0, "llzto_thickness_nm": 300.0, "h_min_nm": 4.0, "h_max_nm": 100.0}
    rough_interphase.generate(tmp_path / "a.msh", seed=5, **kw)
    rough_interphase.generate(tmp_path / "b.msh", seed=5, **kw)
    rough_interphase.generate(tmp_path / "c.msh", seed=6, **kw)
    assert (tmp_path / "a.msh").read_bytes() == (tmp_path / "b.msh").read_bytes()
    assert (tmp_path / "a.msh").read_bytes() != (tmp_path / "c.msh").read_bytes()


@pytest.mark.parametrize("angle", [90.0, 45.0, 0.0, 120.0])
def test_grain_boundary(tmp_path, check, angle):
    w, t, gw = 800.0, 500.0, 10.0
    meta = grain_boundary.generate(tmp_path / "g.msh", width_nm=w, thickness_nm=t,
                                   gb_width_nm=gw, gb_angle_deg=angle, h_min_nm=4.0,
                                   h_max_nm=120.0)
    m = check(tmp_path / "g.msh", meta)
    assert meta["layers"] == ["LLZTO", "LLZTO-gb"] and meta["contacts"] == ["left", "right"]
    assert meta["bounding_box_nm"] == [[0.0, 0.0], [w, t]]
    total = m.measure("LLZTO").sum() + m.measure("LLZTO-gb").sum()
    assert total == pytest.approx(w * t, rel=1e-9)
    th = math.radians(angle)
    chord = min(w / abs(math.cos(th)) if abs(math.cos(th)) > 1e-12 else math.inf,
                t / abs(math.sin(th)) if abs(math.sin(th)) > 1e-12 else math.inf)
    assert m.measure("LLZTO-gb").sum() == pytest.approx(gw * chord, rel=1e-2)
    normal = np.array([-math.sin(th), math.cos(th)])
    off = lambda name: np.abs((m.centroids(name)[:, :2] - [w / 2, t / 2]) @ normal)  # noqa: E731
    assert np.all(off("LLZTO-gb") < gw / 2) and np.all(off("LLZTO") > 0.0)
    top, bottom = m.points[m.groups["left"]], m.points[m.groups["right"]]
    assert np.all(top[..., 1] == pytest.approx(t)) and np.all(bottom[..., 1] == 0.0)
    assert m.measure("left").sum() == pytest.approx(w) == m.measure("right").sum()
    assert m.measure("left").max() < 1.5 * 4.0
    if angle == 90.0:  # the strip reaches both contacts, refined to h_min across it
        xs = top[..., 0].ravel()
        assert np.sum(np.abs(xs - w / 2) < gw / 2) >= 2


LAYERS = [("p-Si", 10.0), ("n-TiO2", 10.0), ("LLZTO", 100.0)]
X_NODES = np.unique(np.concatenate([np.linspace(0.0, 10.0, 7), 10.0 + np.geomspace(0.013, 10, 9),
                                    20.0 + 100.0 * (np.arange(1, 31) / 30.0) ** 2]))


@pytest.mark.parametrize("dim, ny", [(2, 1), (2, 3), (3, 2)])
def test_extruded_stack(tmp_path, check, dim, ny):
    meta = extruded_stack.generate(tmp_path / "e.msh", layers=LAYERS, x_nodes_nm=X_NODES.tolist(),
                                   width_nm=7.0, ny=ny, dim=dim)
    m = check(tmp_path / "e.msh", meta)
    assert meta["layers"] == [n for n, _ in LAYERS] and meta["contacts"] == ["left", "right"]
    assert np.array_equal(np.unique(m.points[:, 0]), X_NODES)  # bit-for-bit
    assert meta["nodes"] == len(X_NODES) * (ny + 1) ** (dim - 1)
    assert meta["cells"] == (len(X_NODES) - 1) * ny ** (dim - 1) * (2 if dim == 2 else 6)
    for name, lo, hi in (("p-Si", 0, 10), ("n-TiO2", 10, 20), ("LLZTO", 20, 120)):
        c = m.centroids(name)[:, 0]
        assert np.all((c > lo) & (c < hi))
        assert m.measure(name).sum() == pytest.approx((hi - lo) * 7.0 ** (dim - 1), rel=1e-12)
    assert np.all(m.points[m.groups["left"]][..., 0] == 0.0)
    assert np.all(m.points[m.groups["right"]][..., 0] == 120.0)
    assert len(m.groups["left"]) == ny ** (dim - 1) * (1 if dim == 2 else 2)
    # P1 gradient of any function of x alone points along x: every simplex has 2 distinct x, and
    # axis-aligned legs (right angles)
    cells = m.cells()
    p = m.points[cells]
    for axis in range(dim):
        assert all(len(set(row)) == 2 for row in p[..., axis].tolist())
    u = np.sin(m.points[:, 0])[cells]
    jac = (p[:, 1:, :dim] - p[:, :1, :dim])
    grad = np.linalg.solve(jac, (u[:, 1:] - u[:, :1])[..., None])[..., 0]
    assert np.abs(grad[:, 1:]).max() < 1e-12


def test_extruded_stack_defaults_and_interphase_nodes(tmp_path, check):
    meta = extruded_stack.generate(tmp_path / "d.msh", layers=LAYERS, contacts=("Al", "Au"))
    m = check(tmp_path / "d.msh", meta)
    x = np.unique(m.points[:, 0])
    assert {0.0, 10.0, 20.0, 120.0} <= set(x.tolist()) and 0.9 < np.diff(x).min() <= 1.0
    assert meta["contacts"] == ["Al", "Au"]
    from solver.case import load_case
    from solver.geometry.grading import stack_nodes

    case = load_case(CASES / "si_pn_diode.toml")
    xs, _ = stack_nodes(case)
    layers = [(ly.name, ly.thickness * 1e9) for ly in case.layers]
    meta = extruded_stack.generate(tmp_path / "c.msh", layers=layers, x_nodes_nm=xs * 1e9)
    assert np.array_equal(np.unique(check(tmp_path / "c.msh", meta).points[:, 0]), xs * 1e9)


@pytest.mark.parametrize("which", ["onchip", "rough_interphase", "grain_boundary",
                                   "extruded_stack3"])
def test_dolfinx_reads_tags(shared_tmp, comm, which):
    path = shared_tmp / f"{which}.msh"
    kw = {"onchip": {"die_width_nm": 300.0, "pad_width_nm": 100.0, "h_min_nm": 2.0},
          "rough_interphase": {"width_nm": 500.0, "llzto_thickness_nm": 300.0,
                               "h_min_nm": 5.0, "h_max_nm": 100.0},
          "grain_boundary": {"width_nm": 400.0, "thickness_nm": 300.0, "h_min_nm": 5.0},
          "extruded_stack3": {"layers": LAYERS, "dim": 3}}[which]
    if comm.rank == 0:
        GENERATORS[which.rstrip("3")](path, **kw)
    comm.Barrier()
    mesh, ct, ft, meta = read_msh(path, comm, scale=1e-9)
    assert mesh.geometry.dim == meta["dim"] == mesh.topology.dim
    tags = meta["physical_tags"]
    cell_values = set(np.concatenate(comm.allgather(np.unique(ct.values))).tolist())
    facet_values = set(np.concatenate(comm.allgather(np.unique(ft.values))).tolist())
    assert len(cell_values) == len(meta["layers"])
    assert cell_values == set(tags["cells"].values())
    assert facet_values == set(tags["facets"].values())
    imap = mesh.topology.index_map(mesh.topology.dim)
    assert comm.allreduce(imap.size_local, op=MPI.SUM) == meta["cells"]
    hi = np.max(comm.allgather(mesh.geometry.x[:, : meta["dim"]].max(axis=0)), axis=0)
    np.testing.assert_allclose(hi, np.array(meta["bounding_box_nm"][1]) * 1e-9, rtol=1e-12)
