"""Which Krylov preconditioner suits the coupled drift-diffusion Jacobian: a measurement.

A device is solved to one bias below the target with the direct solver; at the target the first
Newton step's Jacobian and residual (the hardest linear system of a bias step: the predicted
state is furthest from the solution) are handed to each configuration. Printed per
configuration: GMRES iterations to a 1e-10 relative residual (right preconditioning, restart
200), KSP reason, set-up and solve time, and the largest difference of the Newton update from
MUMPS's (scaled potentials, kT/q). The choice in ``solver/numerics/linear.py`` comes from this.

    .venv/bin/python benchmarks/linear_solvers.py onchip3d 0.5
    .venv/bin/python benchmarks/linear_solvers.py diode3d:6 -1.0
    .venv/bin/python benchmarks/linear_solvers.py onchip2d 0.5 --configs "fs-hypre;ilu0-scaled"

Devices: ``onchip2d`` / ``onchip3d`` (cases/onchip_2d.toml, cases/onchip_3d.toml, bias on the
pad), ``grain2d`` (cases/grain_boundary_2d.toml: Li+ in LLZTO between blocking Au, with the
ion-conservation rows), ``diode3d:NY`` (the 1e18 / 1e18 Si diode of benchmarks/bench_3d.py,
extruded in 3D with NY cells across).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GMRES = {"ksp_type": "gmres", "ksp_gmres_restart": "200", "ksp_rtol": "1e-10",
         "ksp_max_it": "1000", "ksp_pc_side": "right"}
SCALED = {"ksp_diagonal_scale": "", "ksp_diagonal_scale_fix": ""}


def field_split(kind: str, pcs: list[str]) -> dict[str, str]:
    """Options of a field split with one sub-preconditioner per field (block size len(pcs))."""
    opts = {"pc_type": "fieldsplit", "pc_fieldsplit_block_size": str(len(pcs)),
            "pc_fieldsplit_type": kind}
    for i, pc in enumerate(pcs):
        opts[f"pc_fieldsplit_{i}_fields"] = str(i)
        opts[f"fieldsplit_{i}_ksp_type"] = "preonly"
        opts[f"fieldsplit_{i}_pc_type"] = pc
    return opts


def configs(nc: int) -> dict[str, dict[str, str]]:
    """The configurations for ``nc`` unknowns per node (3 + the ion species)."""
    coupled_u_ions = ({"pc_type": "fieldsplit", "pc_fieldsplit_block_size": str(nc),
                       "pc_fieldsplit_type": "multiplicative",
                       "pc_fieldsplit_0_fields": ",".join(["0"] + [str(k) for k in
                                                               range(3, nc)]),
                       "pc_fieldsplit_1_fields": "1", "pc_fieldsplit_2_fields": "2",
                       "fieldsplit_0_ksp_type": "preonly", "fieldsplit_0_pc_type": "hypre",
                       "fieldsplit_0_pc_hypre_boomeramg_numfunctions": str(nc - 2),
                       "fieldsplit_0_pc_hypre_boomeramg_nodal_coarsen": "1",
                       **{f"fieldsplit_{i}_ksp_type": "preonly" for i in (1, 2)},
                       **{f"fieldsplit_{i}_pc_type": "hypre" for i in (1, 2)}}
                      if nc > 3 else None)
    out = {
        "ilu0": {"pc_type": "bjacobi", "sub_pc_type": "ilu"},
        "ilu0-scaled": {"pc_type": "bjacobi", "sub_pc_type": "ilu", **SCALED},
        "ilu2": {"pc_type": "bjacobi", "sub_pc_type": "ilu", "sub_pc_factor_levels": "2"},
        "asm1-ilu1": {"pc_type": "asm", "pc_asm_overlap": "1", "sub_pc_type": "ilu",
                      "sub_pc_factor_levels": "1"},
        "hypre-coupled": {"pc_type": "hypre", "pc_hypre_type": "boomeramg",
                          "pc_hypre_boomeramg_numfunctions": str(nc),
                          "pc_hypre_boomeramg_nodal_coarsen": "1"},
        "gamg-coupled": {"pc_type": "gamg"},
        "fs-hypre": field_split("multiplicative", ["hypre"] * nc),
        "fs-hypre-additive": field_split("additive", ["hypre"] * nc),
        "fs-hypre-symmetric": field_split("symmetric_multiplicative", ["hypre"] * nc),
        "fs-hypre-scaled": {**field_split("multiplicative", ["hypre"] * nc), **SCALED},
        "fs-gamg": field_split("multiplicative", ["gamg"] * nc),
        "fs-hypre-ilu": {**field_split("multiplicative", ["hypre"] + ["bjacobi"] * (nc - 1)),
                         **SCALED},
    }
    if coupled_u_ions:
        out["fs-hypre-u+ions"] = coupled_u_ions
    return out


def device(name: str, comm):
    """``(problem, biased contact)`` of a device name."""
    from solver.case import load_case
    from solver.device.problem import DeviceProblem

    if name.startswith("onchip"):
        case = load_case(ROOT / "cases" / f"onchip_{name[-2:]}.toml")
        return DeviceProblem(case, comm), "top"
    if name == "grain2d":  # Au / LLZTO / Au, Li+ conserved between blocking electrodes
        case = load_case(ROOT / "cases" / "grain_boundary_2d.toml")
        return DeviceProblem(case, comm), "left"
    from bench_3d import CASE, H_MAX, H_MIN

    ny = int(name.split(":")[1])
    path = Path(tempfile.mkdtemp()) / "diode3d.toml"
    path.write_text(CASE.format(h_min=H_MIN, h_max=H_MAX))
    case = load_case(path, [f"geometry.parameters.ny={ny}"])
    return DeviceProblem(case, comm), "left"


def first_newton_system(pb, contact: str, V: float):
    """Jacobian and residual at the predicted state of the last 0.05 V step to ``V``."""
    from solver.device.prediction import bias_response, predict_bias

    pb.solve_equilibrium()
    history = [(0.0, pb.solution_array(), bias_response(pb, contact))]
    step = 0.05 if V > 0 else -0.05
    targets = list(np.arange(step, V + 0.5 * step, step))
    for v in targets[:-1]:
        predict_bias(pb, contact, v, history)
        if not pb.solve().converged:
            raise SystemExit(f"direct Newton failed at {v:+.2f} V")
        history.append((v, pb.solution_array(), bias_response(pb, contact)))
    predict_bias(pb, contact, targets[-1], history)
    from solver.numerics import compat, constraints

    dd = pb.dd_solver
    dd.apply_dirichlet()
    b = dd.b.duplicate()
    compat.assemble_residual(b, dd.L, dd.a, dd.bcs, dd.x)
    compat.assemble_matrix(dd.A, dd.a, dd.bcs)
    for c in dd.constraints:  # ion conservation rows (blocking electrodes)
        constraints.apply_to_residual(c, b, pb.comm)
        constraints.apply_to_jacobian(c, dd.A, dd.u.function_space)
    return dd.A, b


def run(A, b, comm, name: str, opts: dict[str, str], ref=None) -> dict:
    """One configuration: iterations, reason, times and the update's difference from ``ref``."""
    from petsc4py import PETSc

    db = PETSc.Options()
    prefix = f"bench_{name.replace('-', '_')}_"
    for k, v in opts.items():
        db[prefix + k] = v
    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(A)
    ksp.setOptionsPrefix(prefix)
    ksp.setFromOptions()
    y = b.duplicate()
    y.set(0.0)
    out = {"name": name}
    try:
        t0 = time.perf_counter()
        ksp.setUp()
        t1 = time.perf_counter()
        ksp.solve(b, y)
        t2 = time.perf_counter()
        out.update(its=ksp.getIterationNumber(), reason=ksp.getConvergedReason(),
                   setup_s=t1 - t0, solve_s=t2 - t1)
        if ref is not None:
            d = y.copy()
            d.axpy(-1.0, ref)
            out["max_diff"] = d.norm(PETSc.NormType.INFINITY)
            out["max_update"] = ref.norm(PETSc.NormType.INFINITY)
    except PETSc.Error as exc:
        out["error"] = str(exc).splitlines()[0]
    for k in opts:
        db.delValue(prefix + k)
    ksp.destroy()
    return out | {"solution": y}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("device")
    ap.add_argument("bias", type=float)
    ap.add_argument("--configs", help="';'-separated names (default: all)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    pb, contact = device(args.device, comm)
    A, b = first_newton_system(pb, contact, args.bias)
    ref = run(A, b, comm, "mumps", {"ksp_type": "preonly", "pc_type": "lu",
                                    "pc_factor_mat_solver_type": "mumps"})
    table = configs(pb.nc)
    names = args.configs.split(";") if args.configs else list(table)
    rows = [ref] + [run(A, b, comm, n, {**GMRES, **table[n]}, ref["solution"]) for n in names]
    if comm.rank == 0:
        print(f"{args.device} at {args.bias:+.2f} V: {A.getSize()[0]} unknowns, {comm.size} "
              "rank(s); first Newton step of the last 0.05 V step")
        for r in rows:
            if "error" in r:
                print(f"  {r['name']:20s} ERROR {r['error']}")
                continue
            diff = (f"max |dx - dx_LU| {r['max_diff']:.1e} of |dx| {r['max_update']:.1e}"
                    if "max_diff" in r else "")
            print(f"  {r['name']:20s} its {r['its']:4d}  reason {r['reason']:3d}  setup "
                  f"{r['setup_s']:7.3f} s  solve {r['solve_s']:7.3f} s  {diff}")


if __name__ == "__main__":
    main()
