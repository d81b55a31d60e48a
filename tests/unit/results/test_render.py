"""PyVista pictures off-screen, from field grids, in the renderer process (2D and 3D)."""

import numpy as np
import pytest

from solver.results.fields import write_vtu
from solver.results.render import picture_jobs, render

pytestmark = pytest.mark.serial  # one renderer per test run is enough; under mpirun, rank 0


def tetra_box(n=(6, 5, 3), size=(400.0, 400.0, 20.0)):
    """A box of Kuhn tetrahedra (6 per brick), two layers along z, fields of a diode."""
    axes = [np.linspace(0, s, k + 1) for s, k in zip(size, n)]
    X, Y, Z = np.meshgrid(*axes, indexing="ij")
    pts = np.column_stack([X.ravel(), Y.ravel(), Z.ravel()])
    idx = np.arange(X.size).reshape(X.shape)
    perms = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
    tets = []
    for i in range(n[0]):
        for j in range(n[1]):
            for k in range(n[2]):
                for p in perms:
                    v = [np.array([i, j, k])]
                    for ax in p:
                        nxt = v[-1].copy()
                        nxt[ax] += 1
                        v.append(nxt)
                    tets.append([idx[tuple(c)] for c in v])
    return pts, np.array(tets)


def fields_of(pts, cells, up):
    z = pts[:, up] / pts[:, up].max()
    r = np.hypot(pts[:, 0] - 200.0, pts[:, 1 if up == 2 else 0] - 200.0) / 200.0
    layer = (pts[cells, up].mean(axis=1) > pts[:, up].max() / 2).astype(int)
    J = np.zeros((len(cells), 3))
    J[:, up] = -10.0 ** (1 - 3 * layer)
    J[:, 0] = 0.3 * (pts[cells, 0].mean(axis=1) - 200.0) / 200.0
    return {"points": pts, "cells": cells,
            "point_data": {"psi_V": -4.3 + 0.2 * z, "n_cm3": 10.0 ** (18 - 16 * z + 2 * r),
                           "p_cm3": 10.0 ** (2 + 16 * z)},
            "cell_data": {"layer": layer, "J_n_A_per_cm2": J, "J_p_A_per_cm2": 0.1 * J}}


def non_trivial(png, min_kb=20):
    import matplotlib.image as mpimg

    assert png.stat().st_size > min_kb * 1024, png
    img = mpimg.imread(png)[..., :3]
    colours = np.unique((img.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 200, (png, len(colours))  # colour maps, not a blank or flat image
    assert img.std() > 0.05, png


def test_2d_maps_and_entry_map(tmp_path):
    xs, ys = np.linspace(0, 1000, 41), np.linspace(0, 20, 9)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    pts = np.column_stack([X.ravel(), Y.ravel(), np.zeros(X.size)])
    idx = np.arange(X.size).reshape(X.shape)
    tri = [[idx[i, j], idx[i + 1, j], idx[i, j + 1]] for i in range(40) for j in range(8)]
    tri += [[idx[i + 1, j], idx[i + 1, j + 1], idx[i, j + 1]] for i in range(40) for j in range(8)]
    grid = fields_of(pts, np.array(tri), up=1)
    write_vtu(tmp_path / "state.vtu", grid)
    seg = np.array([[[x0, 0.0, 0.0], [x1, 0.0, 0.0]] for x0, x1 in zip(xs[:-1], xs[1:])])
    write_vtu(tmp_path / "facets.vtu", {
        "points": seg.reshape(-1, 3), "cells": np.arange(2 * len(seg)).reshape(-1, 2),
        "point_data": {}, "cell_data": {"electron_entry_A_per_cm2": np.sin(xs[:-1] / 100),
                                        "boundary": np.zeros(len(seg), int)}})
    jobs = picture_jobs(tmp_path / "state.vtu", tmp_path, "", "2D test, top at +1 V", 2,
                        [("+1V", tmp_path / "facets.vtu")])
    assert render(jobs) == ["field_map.png", "electron_entry_map_+1V.png"]
    for name in ("field_map.png", "electron_entry_map_+1V.png"):
        non_trivial(tmp_path / name)


def test_3d_views(tmp_path):
    pts, cells = tetra_box()
    write_vtu(tmp_path / "state.vtu", fields_of(pts, cells, up=2))
    jobs = picture_jobs(tmp_path / "state.vtu", tmp_path, "_300K", "3D test", 3)
    names = render(jobs)
    assert names == ["field_map_300K.png", "volume_log_n_300K.png", "iso_log_n_300K.png"]
    for name in names:
        non_trivial(tmp_path / name)


def test_a_broken_file_is_a_warning_not_a_crash(tmp_path, caplog):
    (tmp_path / "bad.vtu").write_text("not a grid")
    jobs = picture_jobs(tmp_path / "bad.vtu", tmp_path, "", "bad", 2)
    assert render(jobs) == []
    assert "pictures not rendered" in caplog.text


def strip_2d():
    xs, ys = np.linspace(0, 1000, 21), np.linspace(0, 20, 5)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    pts = np.column_stack([X.ravel(), Y.ravel(), np.zeros(X.size)])
    idx = np.arange(X.size).reshape(X.shape)
    tri = [[idx[i, j], idx[i + 1, j], idx[i, j + 1]] for i in range(20) for j in range(4)]
    tri += [[idx[i + 1, j], idx[i + 1, j + 1], idx[i, j + 1]] for i in range(20) for j in range(4)]
    return fields_of(pts, np.array(tri), up=1)


def test_interphase_plot_rerenders_from_the_files(tmp_path):
    from solver.cli import main
    from solver.errors import InterphaseError
    from solver.results.fields import FieldSeries
    from solver.results.replot import plot

    s = FieldSeries(tmp_path, "fields_bias", "bias_V")
    for V in (0.0, 0.5, -0.5):
        s.write(V, strip_2d())
    assert main(["plot", str(tmp_path), "--bias", "0.5"]) == 0
    non_trivial(tmp_path / "field_map_+0.5V.png", min_kb=10)
    [png] = plot(tmp_path, field="p_cm3", bias=-0.5)
    assert png.name == "map_p_cm3_-0.5V.png"
    with pytest.raises(InterphaseError, match=r"no step at bias_V = 0.3 \(steps: -0.5, 0, 0.5\)"):
        plot(tmp_path, bias=0.3)
    with pytest.raises(InterphaseError, match="no field files"):
        plot(tmp_path / "fields_bias")
    assert main(["plot", str(tmp_path), "--field", "nonsense"]) == 2
