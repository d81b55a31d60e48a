"""The linear solves inside Newton: direct LU, or GMRES on a field-split multigrid.

``[solver] linear_solver`` picks one:

* a direct solver by name (``mumps``, ``superlu_dist``, ``klu``, ``umfpack``, ``superlu``);
* ``iterative``: right-preconditioned GMRES whose preconditioner is a multiplicative field
  split (block Gauss-Seidel over the unknowns of a node: potential, electron and hole
  quasi-Fermi potentials, each ion) with one algebraic-multigrid V-cycle per field (hypre
  BoomerAMG; PETSc's GAMG where PETSc lacks hypre). Every diagonal block is a P1 diffusion
  operator (Poisson plus the lumped charge derivative; the edge-averaged continuity fluxes),
  which is what AMG is built for; the field coupling is left to the outer Gauss-Seidel and
  GMRES. Measured (benchmarks/linear_solvers.py): 5-9 Krylov iterations per Newton step on
  2D and 3D diodes from 6k to 1M unknowns, where point-block ILU needs 50-130 and breaks down
  without diagonal scaling, GAMG on the fields needs ~75 and hypre on the whole coupled
  system 10-35;
* ``auto``: the direct solver (KLU for 1D in serial, MUMPS otherwise) up to
  :data:`AUTO_ITERATIVE_ABOVE` unknowns, ``iterative`` above.

A Krylov solve that does not converge makes Newton stop with DIVERGED_LINEAR_SOLVE; the
Newton driver then retries that solve with MUMPS when MUMPS's own estimate of its factor
memory fits in the memory available (MUMPS's ICNTL(23) cap: it refuses before it allocates),
with a one-line message naming what was tried.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from mpi4py import MPI
from petsc4py import PETSc

log = logging.getLogger(__name__)

DIRECT = ("mumps", "superlu_dist", "klu", "umfpack", "superlu")
CHOICES = ("auto", "iterative", *DIRECT)
#: unknowns above which ``auto`` uses the iterative solver (benchmarks/linear_solvers.py:
#: GMRES + field-split AMG is faster per Newton step than MUMPS from ~20k unknowns in 3D
#: and ~100k in 2D, and MUMPS's memory grows superlinearly in 3D; below this, the direct
#: solver's robustness is worth more than its cost)
AUTO_ITERATIVE_ABOVE = 200_000
KRYLOV_RTOL = 1e-8  # relative residual reduction per Newton step (inexact Newton)
KRYLOV_MAX_IT = 200
GMRES_RESTART = 100


@dataclass(frozen=True)
class LinearSolver:
    """A resolved choice: ``kind`` is 'direct' or 'iterative'; ``name`` says which."""

    kind: str
    name: str

    @property
    def iterative(self) -> bool:
        """Whether this is a Krylov solver."""
        return self.kind == "iterative"


def pc_available(name: str) -> bool:
    """Whether this PETSc build has the preconditioner ``name`` (e.g. 'hypre')."""
    pc = PETSc.PC().create(MPI.COMM_SELF)
    try:
        pc.setType(name)
        return True
    except PETSc.Error:
        return False
    finally:
        pc.destroy()


@functools.cache
def amg_type() -> str:
    """'hypre' (BoomerAMG) if this PETSc has it (Debian 12 and 13 do), else 'gamg' (built in)."""
    return "hypre" if pc_available("hypre") else "gamg"


def direct_name(comm: MPI.Comm, choice: str = "auto", tdim: int = 1) -> str:
    """The direct solver: KLU for 1D in serial (fastest there), MUMPS otherwise.

    KLU has no nested-dissection ordering, so its fill-in grows badly on 2D / 3D meshes; in
    parallel only MUMPS and SuperLU_dist are distributed.
    """
    if choice in DIRECT:
        if comm.size > 1 and choice not in ("mumps", "superlu_dist"):
            return "mumps"
        return choice
    return "klu" if comm.size == 1 and tdim == 1 else "mumps"


def resolve(choice: str, comm: MPI.Comm, tdim: int, unknowns: int,
            fields: int = 3) -> LinearSolver:
    """The solver for a ``choice`` of ``[solver] linear_solver`` and a system.

    ``auto`` keeps the direct solver for systems with mobile ions (``fields > 3``): the
    Poisson / Nernst-Planck coupling over sub-nm double layers, with the ion-conservation
    rows of blocking electrodes, took 200-600 GMRES iterations with every preconditioner
    measured (benchmarks/linear_solvers.py grain2d), against one MUMPS solve of 0.15 s.

    Args:
        choice: One of :data:`CHOICES`.
        comm: Communicator of the system.
        tdim: Mesh dimension.
        unknowns: Global number of unknowns.
        fields: Unknowns per node (3 + the ion species; 1 for the equilibrium Poisson).
    """
    auto_iterative = unknowns > AUTO_ITERATIVE_ABOVE and fields <= 3
    if choice == "iterative" or (choice == "auto" and auto_iterative):
        return LinearSolver("iterative", f"gmres+fieldsplit({amg_type()})")
    return LinearSolver("direct", direct_name(comm, choice, tdim))


def direct_options(name: str) -> dict[str, str]:
    """PETSc options (without prefix) of one LU solve with ``name``."""
    return {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": name}


def iterative_options(fields: int) -> dict[str, str]:
    """PETSc options (without prefix) of GMRES on the field split of ``fields`` unknowns."""
    opts = {"ksp_type": "gmres", "ksp_pc_side": "right",
            "ksp_gmres_restart": str(GMRES_RESTART), "ksp_rtol": str(KRYLOV_RTOL),
            "ksp_atol": "0", "ksp_max_it": str(KRYLOV_MAX_IT)}
    amg = amg_type()
    if fields == 1:
        return {**opts, "pc_type": amg}
    opts.update({"pc_type": "fieldsplit", "pc_fieldsplit_type": "multiplicative",
                 "pc_fieldsplit_block_size": str(fields)})
    for i in range(fields):
        opts.update({f"pc_fieldsplit_{i}_fields": str(i),
                     f"fieldsplit_{i}_ksp_type": "preonly", f"fieldsplit_{i}_pc_type": amg})
    return opts


def options(solver: LinearSolver, fields: int) -> dict[str, str]:
    """PETSc options (without prefix) of ``solver`` on a system with ``fields`` per node."""
    return iterative_options(fields) if solver.iterative else direct_options(solver.name)


def set_direct(ksp: PETSc.KSP, memory_mb: float | None = None) -> None:
    """Switch a KSP to one MUMPS LU solve, capped at ``memory_mb`` per rank (MUMPS ICNTL(23)).

    MUMPS checks its own estimate of the factorisation's memory against the cap before it
    allocates, and fails cleanly (INFOG(1) = -19) instead of exhausting the machine.
    """
    ksp.setType("preonly")
    pc = ksp.getPC()
    pc.setType("lu")
    pc.setFactorSolverType("mumps")
    pc.setFactorSetUpSolverType()
    if memory_mb is not None and memory_mb != float("inf"):
        pc.getFactorMatrix().setMumpsIcntl(23, max(1, int(memory_mb)))


def available_memory_mb(comm: MPI.Comm) -> float:
    """Memory available to each rank (MB): MemAvailable of the node over the ranks on it."""
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    try:
        with open("/proc/meminfo") as fh:
            info = {line.split(":")[0]: line.split()[1] for line in fh}
        total = float(info["MemAvailable"]) / 1024.0
    except (OSError, KeyError, ValueError):
        total = float("inf")
    out = total / node.size
    node.Free()
    return out


#: KSP converged reasons (names as PETSc prints them) that a stalled Krylov solve ends with
KSP_REASONS = {-3: "DIVERGED_ITS", -4: "DIVERGED_DTOL", -5: "DIVERGED_BREAKDOWN",
               -7: "DIVERGED_NONSYMMETRIC", -8: "DIVERGED_INDEFINITE_PC",
               -9: "DIVERGED_NANORINF", -10: "DIVERGED_INDEFINITE_MAT",
               -11: "DIVERGED_PC_FAILED"}


def describe_failure(ksp: PETSc.KSP, solver: LinearSolver, newton_step: int) -> str:
    """One line: which Krylov solve stalled, how, and where."""
    code = ksp.getConvergedReason()
    rtol, _, _, max_it = ksp.getTolerances()
    return (f"Krylov solve stalled: {solver.name} ended with "
            f"{KSP_REASONS.get(code, f'reason {code}')} after {ksp.getIterationNumber()} "
            f"iterations (limit {max_it}, rtol {rtol:g}) at Newton step {newton_step + 1}")


def direct_memory_cap(comm: MPI.Comm, margin: float = 0.8) -> float:
    """The MUMPS memory cap of a fallback: ``margin`` of the memory free per rank (MB)."""
    return margin * comm.allreduce(available_memory_mb(comm), op=MPI.MIN)


def summary(solvers: dict) -> dict:
    """Linear-solver statistics of Newton solvers (``{role: NewtonSolver}``) for a summary.

    Returns:
        ``{"solvers": {role: name}, "newton_iterations", "krylov_iterations",
        "krylov_per_newton" (over the iterative solvers' Newton steps; None without one),
        "fallbacks"}``.
    """
    live = {role: s for role, s in solvers.items() if s is not None}
    newton_it = sum(s.stats["newton"] for s in live.values() if s.linear.iterative)
    krylov = sum(s.stats["krylov"] for s in live.values())
    return {"solvers": {role: s.linear.name for role, s in live.items()},
            "newton_iterations": sum(s.stats["newton"] for s in live.values()),
            "krylov_iterations": krylov,
            "krylov_per_newton": round(krylov / newton_it, 2) if newton_it else None,
            "fallbacks": sum(s.stats["fallbacks"] for s in live.values())}
