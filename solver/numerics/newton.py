"""PETSc SNES (through petsc4py) on dolfinx-assembled residual and Jacobian.

Defaults: Newton with a full step, a direct LU solve (KLU in serial, MUMPS in parallel; PETSc's
own LU does not pivot and fails on drift-diffusion Jacobians), component-wise logarithmic
damping of large updates (``d -> sign(d) (1 + ln |d|)`` beyond one thermal voltage), and
convergence on the largest update. Any PETSc option can be added or overridden.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

from . import compat, constraints, linear
from .packing import PackedCoefficients

log = logging.getLogger(__name__)

_ids = itertools.count()

#: updates below FLOOR x tol that stop shrinking (ratio > 1/4) count as converged
FLOOR = 10.0

#: SNES converged reasons by code (names as PETSc prints them)
REASONS = {
    2: "CONVERGED_FNORM_ABS", 3: "CONVERGED_FNORM_RELATIVE", 4: "CONVERGED_SNORM_RELATIVE",
    5: "CONVERGED_ITS", -1: "DIVERGED_FUNCTION_DOMAIN", -2: "DIVERGED_FUNCTION_COUNT",
    -3: "DIVERGED_LINEAR_SOLVE", -4: "DIVERGED_FNORM_NAN", -5: "DIVERGED_MAX_IT",
    -6: "DIVERGED_LINE_SEARCH", -7: "DIVERGED_INNER", -8: "DIVERGED_LOCAL_MIN",
    -9: "DIVERGED_DTOL", -10: "DIVERGED_JACOBIAN_DOMAIN", -11: "DIVERGED_TR_DELTA",
}


def reason_name(code: int) -> str:
    """PETSc's name of a SNES converged reason."""
    return REASONS.get(int(code), f"reason {code}")


@dataclass
class NewtonResult:
    """Outcome of one nonlinear solve."""

    converged: bool
    iterations: int
    reason: int
    max_update: float
    linear_iterations: int = 0  # Krylov iterations of the solve (0 with a direct solver)

    @property
    def reason_name(self) -> str:
        """PETSc's name of the reason."""
        return reason_name(self.reason)


default_linear_solver = linear.direct_name  # the direct solver of a choice


class NewtonSolver:
    """Newton's method for ``F(u) = 0`` with Dirichlet conditions, driven by PETSc SNES.

    Args:
        F: Residual form (UFL), linear in a test function.
        u: The unknown (its values are the initial guess and receive the solution).
        bcs: Dirichlet conditions.
        comm: Communicator of the mesh.
        max_iterations: Newton iteration limit.
        update_tolerance: Converged when max |update| is below this (scaled units).
        damping_threshold: Updates larger than this are compressed logarithmically.
        linear_solver: One of :data:`solver.numerics.linear.CHOICES`.
        petsc_options: Extra options (without the prefix); override the defaults.
        before_step: Optional callback run before each update is applied; it may change the
            representation of ``u`` (not its value), e.g. to renormalise compensated unknowns.
        max_step: Largest update component after damping (a trust region; scaled units).
        step_map: Optional callback that changes the Newton direction ``y`` (local array,
            in place; the update is ``-y``) before damping, e.g. to apply steps of
            quasi-Fermi potentials in their Slotboom variables (:mod:`.steps`); it returns a
            mask of the entries it has bounded itself (not damped again), or None.
        live: Functions besides ``u`` that change during a solve (``before_step`` rewrites
            them); every other coefficient of ``F`` is packed once per :meth:`solve`
            (:mod:`.packing`) and must not change until the solve returns.

    Attributes:
        border: Optional extra equation of the Newton system (e.g. a terminal equation with its
            own unknown, a contact bias): an object whose ``correct(y)`` is called with each
            Newton direction ``y`` (PETSc Vec, the update is ``-y``) before damping; it may
            call :meth:`linear_response` with ``mid_iteration=True``, change ``y`` in place
            (the block elimination of its unknown) and move its own unknown, and returns that
            unknown's update in scaled units (part of the convergence test).
    """

    def __init__(self, F: ufl.Form, u: fem.Function, bcs: list, comm: MPI.Comm, *,
                 max_iterations: int = 60, update_tolerance: float = 1e-9,
                 damping_threshold: float = 1.0, linear_solver: str = "auto",
                 petsc_options: dict[str, Any] | None = None,
                 before_step: Any = None, max_step: float = np.inf,
                 step_map: Any = None, live: tuple = ()) -> None:
        self.u, self.bcs, self.comm = u, bcs, comm
        self.step_map = step_map
        self.max_step = max_step
        self.before_step = before_step
        self.constraints: list = []  # RowConstraint (see solver.numerics.constraints)
        self.border: Any = None  # an extra equation and unknown (see the class docstring)
        self.L = fem.form(F)
        self.a = fem.form(ufl.derivative(F, u))
        self.x = compat.petsc_vec(u)
        self.b = self.x.duplicate()
        self._rhs: PETSc.Vec | None = None  # right-hand side of linear_response
        self.A = compat.create_matrix(self.a)
        self._packed = (PackedCoefficients(self.L, (u, *live)),
                        PackedCoefficients(self.a, (u, *live)))
        self._done = False  # the update just applied meets the convergence test
        self.residuals = 0  # residual assemblies so far
        self.tol, self.max_it, self.d0 = update_tolerance, max_iterations, damping_threshold
        self._last_update = self._previous_update = math.inf
        self.prefix = f"interphase{next(_ids)}_"
        opts = PETSc.Options()
        imap = u.function_space.dofmap.index_map
        bs = u.function_space.dofmap.index_map_bs
        self.linear = linear.resolve(linear_solver, comm, u.function_space.mesh.topology.dim,
                                     imap.size_global * bs, bs)
        self.stats = {"solves": 0, "newton": 0, "krylov": 0, "fallbacks": 0}
        if self.linear.iterative and bs > 3 and comm.rank == 0:
            log.warning("linear_solver = iterative with mobile ions: the field-split multigrid "
                        "is not effective on Poisson / Nernst-Planck blocks (200-600 Krylov "
                        "iterations measured); expect MUMPS fallbacks, or use auto")
        defaults = {"snes_type": "newtonls", "snes_linesearch_type": "basic",
                    **linear.options(self.linear, bs)}
        merged = {**defaults, **(petsc_options or {})}
        # the full-step line search takes every update without looking at the residual: the
        # one after the update that ends the solve is not needed (others compare norms)
        self._skip_last = (merged["snes_type"], merged["snes_linesearch_type"]) \
            == ("newtonls", "basic")
        for k, v in merged.items():
            opts[self.prefix + k] = v
        snes = PETSc.SNES().create(comm)
        snes.setOptionsPrefix(self.prefix)
        snes.setFunction(self._residual, self.b)
        snes.setJacobian(self._jacobian, self.A)
        snes.setTolerances(max_it=max_iterations)
        snes.setConvergenceTest(self._converged)
        snes.setFromOptions()
        snes.getKSP().setFromOptions()
        snes.setLineSearchPreCheck(self._damp)
        self.snes = snes
        # the objects have read them: keep the global database small; a field split reads
        # its sub-solvers' options when it is set up (first solve, fallback restore)
        self._kept = [self.prefix + k for k in merged] if self.linear.iterative else []
        for k in merged:
            if not self._kept:
                opts.delValue(self.prefix + k)

    # -- callbacks ------------------------------------------------------------------------
    def _sync(self, x: PETSc.Vec) -> None:
        if x.handle != self.x.handle:
            x.copy(self.x)
        self.x.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)

    def _residual(self, snes: PETSc.SNES, x: PETSc.Vec, b: PETSc.Vec) -> None:
        self._sync(x)
        if self._done and self._skip_last:
            # the solve ends on this update (convergence is tested on updates, not on the
            # residual): SNES's norm of the last residual is not needed
            return
        self.residuals += 1
        compat.assemble_residual(b, self.L, self.a, self.bcs, self.x, self._packed[0].current())
        for c in self.constraints:
            constraints.apply_to_residual(c, b, self.comm)

    def _jacobian(self, snes: PETSc.SNES, x: PETSc.Vec, A: PETSc.Mat, P: PETSc.Mat) -> None:
        self._sync(x)
        compat.assemble_matrix(A, self.a, self.bcs, coeffs=self._packed[1].current())
        for c in self.constraints:
            constraints.apply_to_jacobian(c, A, self.u.function_space)

    def _damp(self, x: PETSc.Vec, y: PETSc.Vec) -> tuple[PETSc.Vec, bool]:
        own = self.border.correct(y) if self.border is not None else 0.0
        arr = y.getArray()
        bounded = self.step_map(arr) if self.step_map is not None else None
        big = np.abs(arr) > self.d0
        if bounded is not None:
            big &= ~bounded
        if np.any(big):
            a = np.abs(arr[big])
            arr[big] = np.sign(arr[big]) * np.minimum(self.d0 * (1.0 + np.log(a / self.d0)),
                                                      self.max_step)
        self._previous_update = self._last_update
        self._last_update = self.comm.allreduce(
            max(float(np.max(np.abs(arr))) if arr.size else 0.0, own), op=MPI.MAX)
        self._done = self._update_converged(self.snes.getIterationNumber() + 1)
        if self.before_step is not None:
            self.before_step()
        return y, bool(self.comm.allreduce(bool(np.any(big)), op=MPI.LOR))

    def _update_converged(self, it: int) -> bool:
        """Whether the update just measured, Newton's ``it``-th, ends the solve."""
        if it > 0 and self._last_update < self.tol:
            # Newton converges quadratically: once an update below tol has been applied the
            # remaining error is ~tol^2, which the compensated unknowns can represent
            return True
        # the updates stopped shrinking just above tol: the round-off floor of a nearly
        # singular mode (e.g. the potential of a cell between blocking electrodes); more
        # iterations only redraw the noise
        return it > 1 and FLOOR * self.tol > self._last_update > 0.25 * self._previous_update

    def _converged(self, snes: PETSc.SNES, it: int, norms: tuple) -> int:
        if not math.isfinite(norms[2]):
            return -4
        if it > 0 and self._done:  # decided when the update was measured (see _damp)
            return 4
        if it >= self.max_it:
            return -5
        return 0

    # -- public ---------------------------------------------------------------------------
    def apply_dirichlet(self) -> None:
        """Write the Dirichlet values into the unknown (before a solve)."""
        fem_petsc.set_bc(self.x, self.bcs)
        self.x.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)

    def solve(self) -> NewtonResult:
        """Run Newton from the current values of ``u``; ``u`` holds the last iterate."""
        self.apply_dirichlet()
        self._last_update = self._previous_update = math.inf
        for p in self._packed:  # the coefficients that stay fixed during this solve
            p.pack()
        reason, its, krylov = self._snes_solve()
        if reason == -3 and self.linear.iterative:  # the Krylov solve stalled: go direct
            reason, its2, krylov2 = self._direct_fallback(its)
            its, krylov = its + its2, krylov + krylov2
        self.x.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        self.stats["solves"] += 1
        self.stats["newton"] += its
        self.stats["krylov"] += krylov
        if self.linear.iterative:
            log.debug("Newton %d iterations, %d Krylov (%.1f per step)", its, krylov,
                      krylov / max(its, 1))
        return NewtonResult(converged=reason > 0, iterations=its, reason=reason,
                            max_update=self._last_update, linear_iterations=krylov)

    def _snes_solve(self) -> tuple[int, int, int]:
        """One SNES run from the current ``x``: (reason, Newton and Krylov iterations)."""
        self._done = False
        try:
            self.snes.solve(None, self.x)
            reason = self.snes.getConvergedReason()
        except PETSc.Error:
            # e.g. "KLU Numeric factorization failed" on a singular Jacobian: report, don't crash
            reason = -3
        krylov = self.snes.getLinearSolveIterations() if self.linear.iterative else 0
        return reason, self.snes.getIterationNumber(), krylov

    def _direct_fallback(self, its: int) -> tuple[int, int, int]:
        """Continue Newton from the last iterate with MUMPS (capped to the free memory)."""
        ksp = self.snes.getKSP()
        stalled = linear.describe_failure(ksp, self.linear, its)
        cap = linear.direct_memory_cap(self.comm)
        linear.set_direct(ksp, cap)
        self._last_update = self._previous_update = math.inf
        reason, its2, _ = self._snes_solve()
        self.stats["fallbacks"] += 1
        if reason == -3 and ksp.getConvergedReason() == -11:
            log.warning("%s; MUMPS LU does not fit in %.0f MB per rank either", stalled, cap)
        else:
            log.warning("%s; continued with MUMPS LU (Newton %s after %d more iterations)",
                        stalled, "converged" if reason > 0 else "failed", its2)
        ksp.setFromOptions()  # back to the Krylov solver for the next solve
        return reason, its2, 0

    def linear_response(self, perturb: Any, size: float, *,
                        mid_iteration: bool = False) -> np.ndarray:
        """``du/dp`` of the solution for a parameter change made by ``perturb`` (local array).

        Call right after a converged :meth:`solve`: it reuses the Jacobian factorised in that
        solve's last iteration, so the response costs one residual assembly and one pair of
        triangular solves. With ``F(u, p)`` the residual, the response solves
        ``J du = -(F(u, p + size) - F(u, p)) / size``; ``F(u, p)`` is the converged residual
        (round-off) and is left out. With ``mid_iteration`` (from a :attr:`border` during a
        solve) ``u`` is the present iterate, ``J`` its Jacobian and ``F(u, p)`` the residual
        SNES holds for it.

        Args:
            perturb: Callable ``(on: bool)`` that changes the parameter by ``size`` (``True``)
                and back (``False``), e.g. a contact bias.
            size: The parameter change (its unit sets the response's).
            mid_iteration: Called inside a Newton iteration (see above).

        Returns:
            The response at every local dof (owned and ghost), per unit of the parameter.
        """
        if self._rhs is None:
            self._rhs = self.b.duplicate()
        done, self._done = self._done, False  # the table of the solve's coefficients stays:
        perturb(True)  # ``perturb`` moves only live ones (and constants), and the Jacobian
        try:  # is the solve's
            self._residual(self.snes, self.x, self._rhs)
        finally:
            perturb(False)
            self._done = done
        if mid_iteration:
            self._rhs.axpy(-1.0, self.b)
        du = self.x.duplicate()
        self.snes.getKSP().solve(self._rhs, du)
        du.scale(-1.0 / size)
        du.ghostUpdate(addv=PETSc.InsertMode.INSERT, mode=PETSc.ScatterMode.FORWARD)
        with du.localForm() as loc:
            out = loc.array.copy()
        du.destroy()
        return out

    def destroy(self) -> None:
        """Free PETSc objects (and the options a field split kept)."""
        opts = PETSc.Options()
        for k in self._kept:
            opts.delValue(k)
        self.snes.destroy()
        self.A.destroy()
        self.b.destroy()
        if self._rhs is not None:
            self._rhs.destroy()
