"""Small-signal (AC) solves with real PETSc: ``(J + i w M) x = b`` as a real 2x2 block system.

    [ J  -wM ] [x_r]   [b_r]
    [ wM   J ] [x_i] = [b_i]

assembled once per frequency as an AIJ matrix (from a MatNest) and factorised with the same
direct solver as the DC problem. Dirichlet rows of J are identity rows and those of M are zero,
so boundary perturbations pass through unchanged.
"""

from __future__ import annotations

from petsc4py import PETSc


class ComplexSolver:
    """Solve ``(J + i w M) x = b`` for real ``J``, ``M`` and complex ``b`` given as two vectors.

    Args:
        J: Jacobian at the DC state (assembled, with Dirichlet identity rows).
        M: Storage (mass) matrix, same layout, zero Dirichlet rows.
        solver_type: Direct solver name (e.g. 'mumps', 'klu').
    """

    def __init__(self, J: PETSc.Mat, M: PETSc.Mat, solver_type: str) -> None:
        self.J, self.M, self.solver_type = J, M, solver_type
        self.comm = J.getComm()

    def solve(self, omega: float, b_re: PETSc.Vec, b_im: PETSc.Vec) -> tuple[PETSc.Vec, PETSc.Vec]:
        """Return ``(x_re, x_im)`` at angular frequency ``omega`` (rad/s, scaled time)."""
        wM = self.M.copy()
        wM.scale(omega)
        mwM = self.M.copy()
        mwM.scale(-omega)
        nest = PETSc.Mat().createNest([[self.J, mwM], [wM, self.J]], comm=self.comm)
        A = nest.convert("aij")
        rhs = PETSc.Vec().createNest([b_re, b_im], comm=self.comm)
        rhs_flat = A.createVecRight()
        _copy_nest_to_flat(rhs, rhs_flat)
        x = A.createVecLeft()
        ksp = PETSc.KSP().create(self.comm)
        ksp.setOperators(A)
        ksp.setType("preonly")
        pc = ksp.getPC()
        pc.setType("lu")
        pc.setFactorSolverType(self.solver_type)
        ksp.solve(rhs_flat, x)
        x_re, x_im = b_re.duplicate(), b_im.duplicate()
        _copy_flat_to_pair(x, x_re, x_im)
        for obj in (ksp, A, nest, wM, mwM, rhs, rhs_flat, x):
            obj.destroy()
        return x_re, x_im


def _copy_nest_to_flat(nest: PETSc.Vec, flat: PETSc.Vec) -> None:
    """Copy the owned entries of a 2-block nest vector into the matching AIJ-layout vector.

    The AIJ matrix converted from a MatNest interleaves the blocks per rank: on each rank the
    owned rows of block 0 come first, then those of block 1.
    """
    a, b = nest.getNestSubVecs()
    flat.array[: a.getLocalSize()] = a.array
    flat.array[a.getLocalSize():] = b.array


def _copy_flat_to_pair(flat: PETSc.Vec, a: PETSc.Vec, b: PETSc.Vec) -> None:
    n = a.getLocalSize()
    a.array[:] = flat.array[:n]
    b.array[:] = flat.array[n:]
