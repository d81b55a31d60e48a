"""2D / 3D currents as exact as 1D, on meshes the case's own generator makes.

The 1e18 / 1e18 Si diode of issue 12 (cases/si_diode_1e18.toml: 2 x 1000 nm, Nc = Nv =
2.5561e19 cm^-3, tau 1e-7 s), meshed
by ``[geometry] generator = "extruded_stack"`` with its own x grading, over a refinement series
that halves ``h_min_nm``, ``h_max_nm`` and ``growth - 1`` together (a grading with a fixed growth
ratio does not converge: the cells at a distance d from the junction stay ~(growth - 1) d,
whatever h_min). At every bias of the -1 .. +0.8 V sweep:

* the extruded device equals the 1D solver on the same x nodes to 1e-9 (the 2D / 3D scheme adds
  nothing to the 1D one: box lumping, EAFE weights, harmonic current weight),
* it is within 0.5 % of the 1D device on a fine uniform mesh, the error shrinking with h,
* the current leaving at one contact is the one entering at the other (1e-8 in reverse bias).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mpi4py import MPI

from helpers import CASES
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.results.progress import Progress
from solver.studies.equilibrium import run_equilibrium
from solver.studies.iv import sweep

VOLTS = [round(-1.0 + 0.05 * i, 10) for i in range(37) if i != 20]  # 0 V carries no current
SERIES = [(0.5, 20.0, 1.05), (0.25, 10.0, 1.025), (0.125, 5.0, 1.0125)]  # h_min, h_max, growth
FINE_NM = 0.25  # uniform 1D reference (3e-6 from 0.0625 nm)

CASE = CASES / "si_diode_1e18.toml"  # the diode, shared with benchmarks/bench_3d.py


def case_text(geometry: str = "") -> str:
    """The diode as a case: 1D (layer thicknesses) or meshed by ``geometry``."""
    return CASE.read_text() + geometry


def generated(dim: int, ny: int, h_min: float, h_max: float, growth: float) -> str:
    return ('[geometry]\ngenerator = "extruded_stack"\nparameters = { layers = [["p", 1000.0], '
            f'["n", 1000.0]], width_nm = 200.0, ny = {ny}, dim = {dim}, h_min_nm = {h_min}, '
            f'h_max_nm = {h_max}, growth = {growth} }}\n')


def solve_iv(case, comm, nodes=None):
    """``(J(V) in A/cm2, {V: (J_left, J_right)} in A/m2, problem)`` over VOLTS."""
    pb = DeviceProblem(case, comm, nodes=nodes)
    run_equilibrium(pb, 300.0)
    both = {}

    def on_point(V, rec):
        both[V] = (pb.terminal_current("left")["total"], pb.terminal_current("right")["total"])

    records, problems = sweep(pb, "left", VOLTS, Progress("iv", len(VOLTS), rank=1),
                              on_point=on_point)
    assert not problems
    return np.array([r["current_density_A_per_cm2"] for r in records]), both, pb


def x_nodes(pb: DeviceProblem) -> np.ndarray:
    """The distinct x coordinates of a structured mesh (m), gathered over ranks."""
    x = pb.dm.mesh.geometry.x[:, 0] * pb.dm.length
    xs = np.unique(np.concatenate(pb.comm.allgather(x)))
    return xs[np.concatenate([[True], np.diff(xs) > 1e-6 * np.min(np.diff(xs))])]


# dim, ny, meshes of SERIES, tolerance of "equal to 1D on the same x nodes": triangles are
# exactly the 1D box scheme; the Kuhn tetrahedra of a 3D extrusion are not (their corner nodes
# split their lumped volume unevenly between the cells to the left and right), and that
# difference shrinks with growth - 1
DIMS = [(2, 2, 3, 1e-9), (3, 1, 2, 2e-3)]


@pytest.mark.slow
@pytest.mark.parametrize("dim, ny, nmesh, same_rtol", DIMS)
def test_generated_extrusion_converges_to_1d(write_case, comm, dim, ny, nmesh, same_rtol):
    case1 = load_case(write_case(case_text()))
    n = round(1000.0 / FINE_NM)
    fine = np.concatenate([np.linspace(0.0, 1e-6, n + 1)[:-1], np.linspace(1e-6, 2e-6, n + 1)])
    j_ref, _, _ = solve_iv(case1, MPI.COMM_SELF, fine)  # 1D references: on every rank
    worst, same = [], []
    for h_min, h_max, growth in SERIES[:nmesh]:
        case = load_case(write_case(case_text(generated(dim, ny, h_min, h_max, growth))))
        j, both, pb = solve_iv(case, comm)
        assert pb.dm.mesh.topology.dim == dim
        j_same, _, _ = solve_iv(case1, MPI.COMM_SELF, x_nodes(pb))
        same.append(np.abs(j / j_same - 1.0).max())
        assert same[-1] < same_rtol, (h_min, same[-1])
        err = np.abs(j / j_ref - 1.0)
        worst.append(err)
        assert err.max() < 5e-3, (h_min, VOLTS[int(np.argmax(err))], err.max())
        for V, (left, right) in both.items():
            if V < 0:  # reverse bias: the small current, where round-off would show
                assert abs(left + right) <= 1e-8 * abs(left), (V, left, right)
    if comm.rank == 0:
        print(f"{dim}D: worst |J / J_1D,fine - 1| over the series: "
              + ", ".join(f"{e.max():.2e}" for e in worst)
              + "; against 1D on the same nodes: " + ", ".join(f"{e:.1e}" for e in same))
    for coarse, finer in itertools.pairwise(worst):
        assert finer.max() < coarse.max()
        assert np.all(finer <= coarse + 1e-5)  # at every bias, up to the reference's own error
    if dim == 3:
        assert same[-1] < same[0]


def test_box_lumping_keeps_the_junction_row_neutral(write_case, comm):
    """The lumped doping of a junction node is the same on the free sides as inside.

    Barycentric vertex lumping gives a side node of the criss-cross extrusion a third of its
    charge from one layer and two thirds from the other (spurious +-N/3 at a 1e18 junction,
    psi varying by 3 kT/q along y); the dual-cell (Voronoi) fractions give each half.
    """
    case = load_case(write_case(case_text(generated(2, 3, 1.0, 10.0, 1.3))))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    X = pb.W.tabulate_dof_coordinates()[:, 0] * pb.dm.length
    u = pb.solution_array().reshape(-1, pb.nc)[:, 0]
    at_junction = np.abs(X - 1e-6) < 1e-12
    lo = comm.allreduce(float(u[at_junction].min()) if at_junction.any() else np.inf, MPI.MIN)
    hi = comm.allreduce(float(u[at_junction].max()) if at_junction.any() else -np.inf, MPI.MAX)
    assert hi - lo < 1e-9
