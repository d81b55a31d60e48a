"""Field grids: the solver's own nodal values (exact, positive), one grid, read back whole."""

import meshio
import numpy as np
import pytest

from helpers import CASES, vtk_read
from meshes import GENERATORS
from solver.case import load_case
from solver.device.fieldset import CellCurrents, FieldSampler
from solver.device.problem import DeviceProblem
from solver.device.readout import band_diagram
from solver.results.fields import FieldSeries, read_pvd
from solver.studies.equilibrium import run_equilibrium


def point_layers(grid):
    pl = np.empty(len(grid["points"]), dtype=int)
    pl[grid["cells"].ravel()] = np.repeat(grid["layer"], grid["cells"].shape[1])
    return pl


def test_1d_grid_is_the_band_diagram_at_every_node(comm):
    case = load_case(CASES / "si_pn_diode.toml")
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    pb.set_bias("left", 0.4)
    assert pb.solve().converged
    grid = FieldSampler(pb).sample()
    bd = band_diagram(pb)
    if comm.rank != 0:
        assert grid is None
        return
    pl = point_layers(grid)
    order = np.lexsort((pl, grid["points"][:, 0]))
    x = grid["points"][order, 0]
    assert len(x) == len(bd["x_nm"])  # the interface node once per layer, as in the CSV
    assert x == pytest.approx(bd["x_nm"], rel=1e-12, abs=1e-9)
    pd = {k: v[order] for k, v in grid["point_data"].items()}
    for key, col in (("psi_V", "psi_V"), ("Ec_eV", "Ec_eV"), ("Ev_eV", "Ev_eV")):
        assert np.max(np.abs(pd[key] - bd[col])) < 1e-9, key
    assert -pd["phi_n_V"] == pytest.approx(bd["Efn_eV"], abs=1e-12)
    for key in ("n_cm3", "p_cm3"):
        assert np.all(pd[key] > 0)
        assert pd[key] == pytest.approx(bd[key], rel=1e-9), key


def test_2d_grid_series_read_back_by_meshio_and_vtk(comm, shared_tmp):
    msh = shared_tmp / "diode2d.msh"
    if comm.rank == 0:
        GENERATORS["extruded_stack"](msh, layers=[("p", 1000.0), ("n", 1000.0)],
                                     width_nm=100.0, ny=3, dim=2, h_min_nm=5.0, h_max_nm=100.0)
    comm.Barrier()
    case = load_case(CASES / "si_pn_diode.toml", [f'geometry.msh="{msh}"'])
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    sampler = FieldSampler(pb)
    series = FieldSeries(shared_tmp, "fields_bias", "bias_V") if comm.rank == 0 else None
    grids = {}
    for V in (0.0, 0.5):
        pb.set_bias("left", V)
        assert pb.solve().converged
        grids[V] = sampler.sample()
        if series is not None:
            series.write(V, grids[V])
    J = CellCurrents(pb).evaluate()  # the solver's cell currents at 0.5 V (owned cells)
    total = comm.allreduce(float(np.abs(J["electron"]).sum() + np.abs(J["hole"]).sum()))
    if comm.rank != 0:
        return
    steps = read_pvd(shared_tmp / "fields_bias.pvd")
    assert [t for t, _ in steps] == [0.0, 0.5]
    assert series.record()["steps"] == [0.0, 0.5]
    g = grids[0.5]
    n_nodes = len(np.unique(g["points"][:, :2].round(9), axis=0))
    assert len(g["points"]) > n_nodes  # interface nodes once per layer
    cd = g["cell_data"]
    written = abs(cd["J_n_A_per_cm2"]).sum() + abs(cd["J_p_A_per_cm2"]).sum()
    assert written == pytest.approx(total, rel=1e-12)
    assert g["cell_data"]["J_n_A_per_cm2"][:, 2] == pytest.approx(0.0)
    for t, path in steps:
        m = meshio.read(path)
        v = vtk_read(path, shared_tmp)
        assert len(m.cells) == 1 and m.cells[0].type == "triangle"  # one grid
        assert m.points == pytest.approx(grids[t]["points"])
        assert v["points"] == pytest.approx(grids[t]["points"])
        for name, want in grids[t]["point_data"].items():
            assert np.array_equal(m.point_data[name], want), name
            assert np.array_equal(v[f"point:{name}"], want), name
        for name, want in grids[t]["cell_data"].items():
            assert np.array_equal(np.asarray(m.cell_data[name][0]), want), name
            assert np.array_equal(v[f"cell:{name}"], want), name
        for name in ("n_cm3", "p_cm3"):
            assert m.point_data[name].min() > 0, name
