"""2D = 3D = 1D: extruded meshes of the 1D diode reproduce the 1D I-V; current continuity."""

import pytest

from helpers import CASES
from meshes import GENERATORS
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.geometry.grading import stack_nodes
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium

VOLTS = [-0.5, 0.3, 0.6]


def iv(case, comm):
    pb = DeviceProblem(case, comm)
    entry, _ = run_equilibrium(pb, 300.0)
    records, problems = sweep(pb, "left", VOLTS, Progress("iv", len(VOLTS), rank=1))
    assert not problems
    return pb, entry, {r["voltage_V"]: r["current_density_A_per_cm2"] for r in records}


@pytest.mark.parametrize("dim", [2, 3])
def test_extruded_mesh_reproduces_1d_iv(comm, shared_tmp, dim):
    case1 = load_case(CASES / "si_pn_diode.toml")
    x, _ = stack_nodes(case1)
    msh = shared_tmp / f"diode{dim}d.msh"
    if comm.rank == 0:
        GENERATORS["extruded_stack"](msh, layers=[("p", 1000.0), ("n", 1000.0)],
                                     x_nodes_nm=list(x * 1e9), width_nm=50.0,
                                     ny=2 if dim == 2 else 1, dim=dim)
    comm.Barrier()
    case2 = load_case(CASES / "si_pn_diode.toml", [f'geometry.msh="{msh}"'])
    _, e1, j1 = iv(case1, comm)
    pb2, e2, j2 = iv(case2, comm)
    assert pb2.dm.mesh.topology.dim == dim
    assert e2["built_in_potential_V"] == pytest.approx(e1["built_in_potential_V"], abs=1e-9)
    # 2D: the box-lumped triangles are the 1D scheme row by row; 3D Kuhn tetrahedra: ~1e-5
    rel = 1e-9 if dim == 2 else 5e-3
    for V in VOLTS:
        assert j2[V] == pytest.approx(j1[V], rel=rel)
    # continuity: the current leaving at the right contact is the one entering at the left
    right = pb2.terminal_current("right")["total"]
    left = pb2.terminal_current("left")["total"]
    assert right == pytest.approx(-left, rel=1e-9)
