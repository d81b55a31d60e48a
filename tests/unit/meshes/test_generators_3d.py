"""The 3D rough interphase and the 3D grain network: geometry, statistics, tags, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from mpi4py import MPI

from meshes import GENERATORS, grain_network, rough_interphase
from meshes.dolfinx_io import read_msh
from meshes.rough_surface import Surface

ROUGH = {"dim": 3, "width_nm": 300.0, "llzto_thickness_nm": 200.0, "roughness_amplitude_nm": 10.0,
         "correlation_length_nm": 80.0, "h_min_nm": 1.0, "h_max_nm": 30.0}
NETWORK = {"thickness_nm": 200.0, "width_nm": 300.0, "grains": 5, "gb_width_nm": 10.0,
           "h_min_nm": 5.0, "h_max_nm": 40.0}


def positive_volumes(m) -> np.ndarray:
    p = m.points[m.cells()]
    e = p[:, 1:] - p[:, :1]
    return np.einsum("ij,ij->i", e[:, 0], np.cross(e[:, 1], e[:, 2])) / 6.0


@pytest.mark.parametrize("offset", ["normal", "vertical"])
def test_rough_interphase_3d(tmp_path, check, offset):
    meta = rough_interphase.generate(tmp_path / "r3.msh", offset=offset, **ROUGH)
    p = meta["parameters"]
    m = check(tmp_path / "r3.msh", meta)
    assert meta["dim"] == 3 and meta["layers"] == ["LLZTO", "n-TiO2", "p-Si"]
    assert np.all(positive_volumes(m) > 0.0)  # oriented, nothing folded
    w, slab, t1, t2 = p["width_nm"], p["llzto_thickness_nm"], 10.0, 10.0
    assert p["surface_rms_nm"] == pytest.approx(p["roughness_amplitude_nm"], rel=1e-12)
    right = m.points[m.groups["right"]]
    assert np.all(right[..., 2] == 0.0) and m.measure("right").sum() == pytest.approx(w * w)
    # the LLZTO holds its mean thickness (the surface has zero mean over the periodic square)
    assert m.measure("LLZTO").sum() == pytest.approx(w * w * slab, rel=2e-3)
    nodes = {n: set(np.unique(m.groups[n]).tolist()) for n in meta["layers"]}
    surface = m.points[sorted(nodes["LLZTO"] & nodes["n-TiO2"])]
    rms = np.sqrt(np.mean((surface[:, 2] - slab) ** 2))
    assert rms == pytest.approx(p["roughness_amplitude_nm"], rel=0.02)  # incl. the grid's edge
    area = m.measure("left").sum()  # offset surfaces of a periodic one: about its area
    if offset == "normal":
        assert m.measure("n-TiO2").sum() == pytest.approx(t1 * area, rel=1e-2)
        assert m.measure("p-Si").sum() == pytest.approx(t2 * area, rel=1e-2)
        assert area > 1.005 * w * w  # a rough surface is larger than its footprint
    else:
        assert m.measure("n-TiO2").sum() == pytest.approx(t1 * w * w, rel=1e-9)
        top = m.points[m.groups["left"]].reshape(-1, 3)
        assert top[:, 2].min() == pytest.approx(p["surface_min_z_nm"] + t1 + t2)
    # films are graded from h_min at each face: the cells next to the Al contact are thin
    assert 0.2 * p["h_min_nm"] < np.min(np.ptp(m.points[m.groups["left"]][..., 2], axis=1)
                                        + p["h_min_nm"]) < 5 * p["h_min_nm"]


def test_gaussian_surface_statistics():
    # averaged over realisations: <f> = 0, rms exact, C(lc) / C(0) = 1/e (Gaussian correlation)
    w, lc, n = 2000.0, 120.0, 200
    t = np.linspace(0.0, w, n, endpoint=False)
    X, Y = np.meshgrid(t, t)
    ratios = []
    for seed in range(6):
        s = Surface(w, 7.0, lc, seed, n)
        f = s(X.ravel(), Y.ravel()).reshape(n, n)
        assert abs(f.mean()) < 0.2 and np.sqrt(np.mean(f**2)) == pytest.approx(7.0, rel=1e-12)
        lag = round(lc / (w / n))
        c0 = np.mean(f * f)
        c = 0.5 * (np.mean(f * np.roll(f, lag, axis=0)) + np.mean(f * np.roll(f, lag, axis=1)))
        ratios.append(c / c0)
    assert np.mean(ratios) == pytest.approx(np.exp(-1.0), abs=0.06)
    # the analytic gradient is the derivative of the surface
    s, h = Surface(w, 7.0, lc, 1, n), 1e-4
    x, y = np.array([13.0, 700.0]), np.array([512.0, 9.0])
    gx, gy = s.gradient(x, y)
    np.testing.assert_allclose(gx, (s(x + h, y) - s(x - h, y)) / (2 * h), rtol=1e-6)
    np.testing.assert_allclose(gy, (s(x, y + h) - s(x, y - h)) / (2 * h), rtol=1e-6)


def test_rough_3d_refuses_folding_films(tmp_path):
    with pytest.raises(ValueError, match="correlation_length_nm") as err:
        rough_interphase.generate(tmp_path / "x.msh", **{**ROUGH, "roughness_amplitude_nm": 40.0,
                                                         "correlation_length_nm": 30.0,
                                                         "h_lateral_nm": 5.0,
                                                         "max_nodes": 10**6})
    assert "\n" not in str(err.value) and not list(tmp_path.iterdir())


def test_grain_network(tmp_path, check):
    meta = grain_network.generate(tmp_path / "g.msh", **NETWORK)
    p = meta["parameters"]
    m = check(tmp_path / "g.msh", meta)
    w, t, gw = p["width_nm"], p["thickness_nm"], p["gb_width_nm"]
    assert meta["layers"] == ["LLZTO", "LLZTO-gb"] and meta["dim"] == 3
    assert meta["bounding_box_nm"] == [[0.0, 0.0, 0.0], [w, w, t]]
    assert np.all(positive_volumes(m) > 0.0)
    vol = m.measure("LLZTO").sum() + m.measure("LLZTO-gb").sum()
    assert vol == pytest.approx(w * w * t, rel=1e-9)
    # the walls: width x length (minus the overlaps at the triple junctions)
    frac = m.measure("LLZTO-gb").sum() / vol
    assert frac == pytest.approx(p["gb_area_fraction"], rel=1e-9)
    assert 0.8 < frac / (p["wall_length_nm"] * gw / w**2) <= 1.0
    assert p["walls"] >= p["grains"] - 1  # a connected network
    for name, z in (("left", t), ("right", 0.0)):
        pts = m.points[m.groups[name]]
        assert np.all(pts[..., 2] == z) and m.measure(name).sum() == pytest.approx(w * w)
    # the wall cells touch the walls: every one within gb_width / 2 of a Voronoi edge
    _, edges = grain_network.voronoi_edges(w, p["grains"], p["seed"])
    c = m.centroids("LLZTO-gb")[:, :2]
    a, b = edges[:, 0], edges[:, 1]
    s = np.clip(np.einsum("pij,ij->pi", c[:, None] - a, b - a)
                / np.einsum("ij,ij->i", b - a, b - a), 0.0, 1.0)
    dist = np.linalg.norm(c[:, None] - (a + s[..., None] * (b - a)), axis=2).min(axis=1)
    assert dist.max() < 0.5 * gw * 1.01
    # contacts and walls graded to h_min
    z = np.unique(m.points[:, 2])
    assert z[1] == pytest.approx(p["h_min_nm"], rel=0.35)


def test_grain_network_seeded_and_validated(tmp_path):
    a = grain_network.generate(tmp_path / "a.msh", seed=4, **NETWORK)
    b = grain_network.generate(tmp_path / "b.msh", seed=4, **NETWORK)
    grain_network.generate(tmp_path / "c.msh", seed=5, **NETWORK)
    assert a == b and (tmp_path / "a.msh").read_bytes() == (tmp_path / "b.msh").read_bytes()
    assert (tmp_path / "a.msh").read_bytes() != (tmp_path / "c.msh").read_bytes()
    for kw, needle in (({"grains": 1}, "grains"), ({"gb_width_nm": 60.0}, "gb_width_nm"),
                       ({"thickness_nm": 0.0}, "thickness_nm")):
        with pytest.raises(ValueError, match=needle):
            grain_network.generate(tmp_path / "x.msh", **{**NETWORK, **kw})
    assert not (tmp_path / "x.msh").exists()


@pytest.mark.parametrize("which", ["rough_interphase", "grain_network"])
def test_dolfinx_reads_3d_tags(shared_tmp, comm, which):
    path = shared_tmp / f"{which}3d.msh"
    kw = ROUGH if which == "rough_interphase" else NETWORK
    if comm.rank == 0:
        GENERATORS[which](path, **{**kw, "h_max_nm": 60.0})
    comm.Barrier()
    mesh, ct, ft, meta = read_msh(path, comm, scale=1e-9)
    assert mesh.topology.dim == 3
    cells = comm.allreduce(mesh.topology.index_map(3).size_local, op=MPI.SUM)
    assert cells == meta["cells"]
    values = set(np.concatenate(comm.allgather(np.unique(ft.values))).tolist())
    assert values == set(meta["physical_tags"]["facets"].values())
    layers = set(np.concatenate(comm.allgather(np.unique(ct.values))).tolist())
    assert layers == set(meta["physical_tags"]["cells"].values())
