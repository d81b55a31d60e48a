"""Small-signal (AC) solves with real PETSc: ``(J + i w M) x = b`` as a real 2x2 block system.

    [ J  -wM ] [x_r]   [b_r]
    [ wM   J ] [x_i] = [b_i]

assembled once per frequency as an AIJ matrix (from a MatNest) and factorised with the same
direct solver as the DC problem, then iteratively refined on that factorisation. Dirichlet
rows of J are identity rows and those of M are zero, so boundary perturbations pass through
unchanged.
"""

from __future__ import annotations

import logging

from petsc4py import PETSc

from ..errors import ConvergenceError

log = logging.getLogger(__name__)

REFINE_RTOL = 1e-13  # refinement stops when the correction is this small relative to x
REFINE_MAX_IT = 8
REFINE_FAIL = 1e-2  # a solve whose refinement stalls above this is reported, not used
REFINE_WARN = 1e-6  # above this the solve is used, with a warning in the log


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
        self.refinements, rel = refine(ksp, A, rhs_flat, x)
        if not rel < REFINE_FAIL:
            raise ConvergenceError(
                f"small-signal solve ({self.solver_type} LU) is inaccurate at w = {omega:.3g} "
                f"(scaled): the last correction of iterative refinement is {rel:.1e} of the "
                "solution; try another [solver] linear_solver (mumps, klu, umfpack)")
        if rel > REFINE_WARN:
            log.warning("small-signal solve at w = %.3g (scaled): refinement stalled at %.1e of "
                        "the solution (ill-conditioned at this frequency)", omega, rel)
        self.accuracy = rel
        x_re, x_im = b_re.duplicate(), b_im.duplicate()
        _copy_flat_to_pair(x, x_re, x_im)
        for obj in (ksp, A, nest, wM, mwM, rhs, rhs_flat, x):
            obj.destroy()
        return x_re, x_im


def refine(ksp: PETSc.KSP, A: PETSc.Mat, b: PETSc.Vec, x: PETSc.Vec) -> tuple[int, float]:
    """Iterative refinement of ``x`` from a factorised ``ksp``: ``x += A^-1 (b - A x)``.

    The rows of drift-diffusion systems span ~30 orders of magnitude. Refinement repairs a
    factorisation that pivoted badly (SuperLU_dist's static pivoting: Z off by a factor 2
    without it) and reports one that cannot be repaired; it does not lower the ~1e-5 spread of
    the current between KLU, MUMPS and UMFPACK, which is the round-off of the double-precision
    residual itself (the low-frequency limit matches the DC conductance dJ/dV to 1.4e-5). It
    stops when the correction is below ``REFINE_RTOL`` of ``x`` or stops shrinking.

    Returns:
        ``(steps, last correction / |x|)`` (max norms).
    """
    r, d = b.duplicate(), x.duplicate()
    steps, rel, last = 0, 0.0, float("inf")
    while steps < REFINE_MAX_IT:
        steps += 1
        A.mult(x, r)
        r.aypx(-1.0, b)  # r = b - A x
        ksp.solve(r, d)
        size = x.norm(PETSc.NormType.INFINITY)
        rel = d.norm(PETSc.NormType.INFINITY) / size if size > 0 else 0.0
        if rel < last:
            x.axpy(1.0, d)
        if rel < REFINE_RTOL or rel > 0.5 * last:
            break
        last = rel
    for obj in (r, d):
        obj.destroy()
    return steps, rel


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
