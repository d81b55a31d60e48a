"""The small-signal solver: (J + i w M) x = b, and iterative refinement on a factorisation."""

import numpy as np
import pytest

from mpi4py import MPI
from petsc4py import PETSc

from solver.numerics.smallsignal import ComplexSolver, refine

pytestmark = pytest.mark.serial  # small sequential PETSc matrices


def aij(a: np.ndarray) -> PETSc.Mat:
    m = PETSc.Mat().createAIJ(a.shape, comm=MPI.COMM_SELF)
    m.setUp()
    for i, row in enumerate(a):
        for j, v in enumerate(row):
            if v != 0.0:
                m.setValue(i, j, v)
    m.assemble()
    return m


def vec(v: np.ndarray) -> PETSc.Vec:
    out = PETSc.Vec().createSeq(len(v), comm=MPI.COMM_SELF)
    out.array[:] = v
    return out


def test_complex_solve_matches_numpy():
    rng = np.random.default_rng(1)
    J = rng.random((5, 5)) + 5 * np.eye(5)
    M = np.diag(rng.random(5))
    b = rng.random(5) + 1j * rng.random(5)
    solver = ComplexSolver(aij(J), aij(M), "mumps")
    xr, xi = solver.solve(0.7, vec(b.real), vec(b.imag))
    np.testing.assert_allclose(xr.array + 1j * xi.array, np.linalg.solve(J + 0.7j * M, b),
                               rtol=1e-12)


def test_refinement_repairs_a_perturbed_solution():
    rng = np.random.default_rng(2)
    a = rng.random((6, 6)) + 6 * np.eye(6)
    A, b = aij(a), vec(rng.random(6))
    ksp = PETSc.KSP().create(MPI.COMM_SELF)
    ksp.setOperators(A)
    ksp.setType("preonly")
    ksp.getPC().setType("lu")
    x = b.duplicate()
    ksp.solve(b, x)
    x.array[:] *= 1.0 + 1e-3 * rng.standard_normal(6)  # as if the factorisation were poor
    steps, rel = refine(ksp, A, b, x)
    assert 1 < steps and rel < 1e-12
    np.testing.assert_allclose(x.array, np.linalg.solve(a, b.array), rtol=1e-13)
