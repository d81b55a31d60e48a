"""Field series: one VTU grid per step, a PVD of complete steps only, survives a kill."""

import meshio
import numpy as np
import pytest

from solver.results import fields
from solver.results.fields import FieldSeries, read_pvd, step_name


def box_grid(value: float, n: int = 4) -> dict:
    """Two triangles per square of an n x n grid on [0, 100] nm^2, two layers."""
    xs = np.linspace(0.0, 100.0, n + 1)
    X, Y = np.meshgrid(xs, xs, indexing="ij")
    pts = np.column_stack([X.ravel(), Y.ravel(), np.zeros(X.size)])
    idx = np.arange(X.size).reshape(n + 1, n + 1)
    tri = [[idx[i, j], idx[i + 1, j], idx[i, j + 1]] for i in range(n) for j in range(n)]
    tri += [[idx[i + 1, j], idx[i + 1, j + 1], idx[i, j + 1]] for i in range(n) for j in range(n)]
    cells = np.array(tri)
    layer = (pts[cells, 1].mean(axis=1) > 50).astype(int)
    return {"points": pts, "cells": cells,
            "point_data": {"psi_V": value + pts[:, 0] / 100, "n_cm3": 10.0 ** (pts[:, 1] / 10)},
            "cell_data": {"layer": layer, "J_n_A_per_cm2": np.tile([value, 0.0, 0.0],
                                                                     (len(cells), 1))}}


def test_series_steps_in_time_order_and_read_whole(tmp_path):
    s = FieldSeries(tmp_path, "fields_bias", "bias_V")
    for V in (0.5, -0.5, 0.0):
        s.write(V, box_grid(V))
    steps = read_pvd(tmp_path / "fields_bias.pvd")
    assert [t for t, _ in steps] == [-0.5, 0.0, 0.5]
    assert s.record() == {"time": "bias_V", "steps": [-0.5, 0.0, 0.5],
                          "files": [f"fields_bias/{step_name(t, 'V')}.vtu" for t, _ in steps]}
    for t, path in steps:
        m = meshio.read(path)
        assert [c.type for c in m.cells] == ["triangle"]
        assert m.point_data["psi_V"] == pytest.approx(box_grid(t)["point_data"]["psi_V"])
        assert m.cell_data["J_n_A_per_cm2"][0][:, 0] == pytest.approx(t)
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob(".*"))


def test_new_series_replaces_the_old_one(tmp_path):
    old = FieldSeries(tmp_path, "fields", "temperature_K")
    old.write(250.0, box_grid(0.0))
    old.write(300.0, box_grid(0.0))
    new = FieldSeries(tmp_path, "fields", "temperature_K")
    assert not (tmp_path / "fields.pvd").exists() and not list((tmp_path / "fields").iterdir())
    new.write(350.0, box_grid(0.0))
    assert [t for t, _ in read_pvd(tmp_path / "fields.pvd")] == [350.0]


def test_a_write_killed_midway_leaves_the_complete_steps(tmp_path, monkeypatch):
    s = FieldSeries(tmp_path, "fields_bias", "bias_V")
    s.write(0.0, box_grid(0.0))
    real = meshio.write

    def dies_halfway(path, mesh, **kw):  # a kill while the file is being written
        real(path, mesh, **kw)
        with open(path, "r+b") as fh:
            fh.truncate(100)
        raise KeyboardInterrupt

    monkeypatch.setattr(meshio, "write", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        s.write(0.5, box_grid(0.5))
    monkeypatch.setattr(meshio, "write", real)
    steps = read_pvd(tmp_path / "fields_bias.pvd")
    assert [t for t, _ in steps] == [0.0]
    assert sorted(p.name for p in (tmp_path / "fields_bias").iterdir()) == ["V+0.0000V.vtu"]
    assert meshio.read(steps[0][1]).point_data["psi_V"] == pytest.approx(
        box_grid(0.0)["point_data"]["psi_V"])


def test_1d_cells_are_lines_meshio_reads(tmp_path):
    pts = np.column_stack([np.linspace(0, 10, 5), np.zeros(5), np.zeros(5)])
    grid = {"points": pts, "cells": np.column_stack([np.arange(4), np.arange(1, 5)]),
            "point_data": {"psi_V": pts[:, 0]}, "cell_data": {"layer": np.zeros(4, int)}}
    fields.write_vtu(tmp_path / "a.vtu", grid)
    m = meshio.read(tmp_path / "a.vtu")
    assert m.cells[0].type == "line" and m.point_data["psi_V"] == pytest.approx(pts[:, 0])


def test_step_names():
    assert step_name(300.0, "K") == "T300K"
    assert step_name(-0.25, "V") == "V-0.2500V"
    assert step_name(0.5, "V") == "V+0.5000V"
