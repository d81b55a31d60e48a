"""Linear-solver choice, options, Krylov statistics and the direct fallback of a stalled solve."""

import logging

import numpy as np
import pytest

from mpi4py import MPI
from petsc4py import PETSc

from helpers import diode_toml
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.numerics import linear

EXTRUDED = """
[geometry]
generator = "extruded_stack"
[geometry.parameters]
layers = [["p", 1000.0], ["n", 1000.0]]
width_nm = 100.0
ny = {ny}
h_min_nm = {h}
h_max_nm = 50.0
[solver]
linear_solver = "iterative"
{petsc}
"""


def extruded(write_case, petsc: str = "", sets: tuple[str, ...] = (), ny: int = 1,
             h: float = 2.0):
    text = diode_toml(NA=1e17, ND=1e17, extra=EXTRUDED.format(petsc=petsc, ny=ny, h=h))
    return load_case(write_case(text.replace("thickness_nm = 1000.0\n", "")), list(sets))


def test_resolve_direct_iterative_and_auto(comm):
    assert linear.resolve("iterative", comm, 2, 10).iterative
    assert linear.resolve("mumps", comm, 3, 10**8) == linear.LinearSolver("direct", "mumps")
    big = linear.resolve("auto", comm, 3, linear.AUTO_ITERATIVE_ABOVE + 1)
    small = linear.resolve("auto", comm, 3, linear.AUTO_ITERATIVE_ABOVE)
    assert big.iterative and not small.iterative and small.name == "mumps"
    ions = linear.resolve("auto", comm, 3, 10 * linear.AUTO_ITERATIVE_ABOVE, fields=4)
    assert not ions.iterative  # electrolytes stay direct unless asked
    assert linear.resolve("iterative", comm, 3, 10, fields=4).iterative
    if comm.size == 1:
        assert linear.resolve("auto", comm, 1, 100).name == "klu"
    else:  # only the distributed direct solvers run in parallel
        assert linear.resolve("klu", comm, 1, 100).name == "mumps"


def test_schema_text_names_the_auto_threshold():
    from solver.case.schema import SOLVER

    assert f"{linear.AUTO_ITERATIVE_ABOVE // 1000}k unknowns" in SOLVER["linear_solver"].doc
    assert set(SOLVER["linear_solver"].choices) == set(linear.CHOICES)


def test_field_split_options_cover_every_field():
    opts = linear.iterative_options(4)
    assert opts["pc_type"] == "fieldsplit" and opts["pc_fieldsplit_block_size"] == "4"
    for i in range(4):
        assert opts[f"pc_fieldsplit_{i}_fields"] == str(i)
        assert opts[f"fieldsplit_{i}_pc_type"] in ("hypre", "gamg")
    assert linear.iterative_options(1)["pc_type"] == linear.amg_type()


def test_amg_falls_back_to_gamg_without_hypre(monkeypatch):
    assert linear.pc_available("gamg") and not linear.pc_available("no_such_pc")
    monkeypatch.setattr(linear, "pc_available", lambda name: name != "hypre")
    linear.amg_type.cache_clear()
    try:
        assert linear.amg_type() == "gamg"
        assert linear.iterative_options(3)["fieldsplit_2_pc_type"] == "gamg"
    finally:
        monkeypatch.undo()
        linear.amg_type.cache_clear()


def test_memory_cap_makes_mumps_refuse_cleanly():
    n = 40_000
    A = PETSc.Mat().createAIJ([n, n], nnz=5, comm=MPI.COMM_SELF)
    A.setUp()
    for i in range(n):
        A.setValue(i, i, 4.0)
        for j in (i - 1, i + 1, i - 200, i + 200):
            if 0 <= j < n:
                A.setValue(i, j, -1.0)
    A.assemble()
    b = A.createVecLeft()
    b.set(1.0)
    x = b.duplicate()
    for cap, ok in ((None, True), (1.0, False)):
        ksp = PETSc.KSP().create(MPI.COMM_SELF)
        ksp.setOperators(A)
        linear.set_direct(ksp, cap)
        ksp.solve(b, x)
        assert (ksp.getConvergedReason() > 0) == ok
        ksp.destroy()


def test_iterative_newton_matches_direct_and_counts_krylov(write_case, comm):
    case = extruded(write_case)
    pb = DeviceProblem(case, comm)
    assert pb.dd_solver.linear.iterative
    pb.solve_equilibrium()
    pb.set_bias("left", 0.3)
    res = pb.solve()
    assert res.converged and res.linear_iterations >= res.iterations
    J_it = pb.terminal_current("left")["total"]
    stats = pb.linear_stats()
    assert stats["solvers"]["coupled"].startswith("gmres+fieldsplit")
    assert 1.0 <= stats["krylov_per_newton"] <= 30.0 and stats["fallbacks"] == 0

    pb_d = DeviceProblem(extruded(write_case, sets=('solver.linear_solver="mumps"',)), comm)
    assert not pb_d.dd_solver.linear.iterative
    pb_d.solve_equilibrium()
    pb_d.set_bias("left", 0.3)
    assert pb_d.solve().converged
    assert J_it == pytest.approx(pb_d.terminal_current("left")["total"], rel=1e-9)
    assert pb_d.linear_stats()["krylov_per_newton"] is None


def test_a_stalled_krylov_solve_falls_back_to_mumps(write_case, comm, caplog):
    case = extruded(write_case, "petsc_options = { ksp_max_it = 1 }")
    pb = DeviceProblem(case, comm)
    with caplog.at_level(logging.WARNING, logger="solver.numerics.newton"):
        pb.solve_equilibrium()
    assert pb.linear_stats()["fallbacks"] >= 1
    assert "Krylov solve stalled" in caplog.text and "DIVERGED_ITS" in caplog.text
    assert "continued with MUMPS LU (Newton converged" in caplog.text
    assert np.isfinite(pb.solution_array()).all()


def test_a_fallback_that_does_not_fit_fails_with_the_reason(write_case, comm, caplog,
                                                           monkeypatch):
    monkeypatch.setattr(linear, "direct_memory_cap", lambda comm, margin=0.8: 1.0)
    # the equilibrium (Poisson) solve: ~9,400 unknowns, MUMPS estimates 8 MB of factors (a
    # clear margin over the 1 MB cap: with ny = 8, 1,700 unknowns and an estimate of 1 MB,
    # MUMPS 5.5 refused and MUMPS 5.7 factorised)
    case = extruded(write_case, "petsc_options = { ksp_max_it = 1 }", ny=48, h=0.5)
    pb = DeviceProblem(case, comm)
    with caplog.at_level(logging.WARNING, logger="solver.numerics.newton"):
        res = pb.eq_solver.solve()
    assert not res.converged and res.reason_name == "DIVERGED_LINEAR_SOLVE"
    assert "does not fit in 1 MB per rank" in caplog.text
