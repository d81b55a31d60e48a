"""3D extruded Si diode: Newton cost per iteration against unknowns, ranks and linear solver.

The 1e18 / 1e18 Si p-n diode of issue 12 (2 x 1000 nm, `extruded_stack`, dim 3, h_min 0.5,
h_max 4 nm, growth 1.1: 553 x levels of (ny + 1)^2 nodes, 3 unknowns per node) is solved at
equilibrium and walked to a forward and a reverse bias; every configuration is a fresh
``mpirun -n R`` process on a warm JIT cache. Printed per run: unknowns, wall times (setup,
equilibrium, bias walk), Newton iterations, Krylov iterations per Newton step, time per Newton
iteration split into residual / Jacobian assembly / linear solve (PETSc events), peak memory
per rank, and the current at each bias against the 1D solver on the same x nodes; then the
strong-scaling and per-unknown ratios measured in this one run.

    .venv/bin/python benchmarks/bench_3d.py --ny 8 17 25 --ranks 1 2 --solvers iterative mumps

A configuration that fails (MUMPS out of memory, time limit) is reported as such, not retried.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
H_MIN, H_MAX = 0.5, 4.0

WORKER = textwrap.dedent('''
    import json, resource, sys, time
    from mpi4py import MPI
    from petsc4py import PETSc
    from solver.case import load_case
    from solver.device.problem import DeviceProblem
    from solver.results.progress import Progress
    from solver.studies.bias import sweep
    PETSc.Log.begin()
    comm = MPI.COMM_WORLD
    ny, solver, case_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    biases = [float(v) for v in sys.argv[4].split(",")]
    case = load_case(case_path, [f"geometry.parameters.ny={ny}",
                                 f'solver.linear_solver="{solver}"'])
    t0 = time.perf_counter()
    pb = DeviceProblem(case, comm)
    t1 = time.perf_counter()
    pb.solve_equilibrium()
    t2, c2 = time.perf_counter(), time.process_time()
    eq = pb.linear_stats()
    events = ("SNESFunctionEval", "SNESJacobianEval", "KSPSolve", "PCSetUp")
    before = {e: PETSc.Log.Event(e).getPerfInfo()["time"] for e in events}
    if comm.rank == 0:
        print("STAGE " + json.dumps({"unknowns": pb.W.dofmap.index_map.size_global
                                     * pb.W.dofmap.index_map_bs, "setup_s": t1 - t0,
                                     "equilibrium_s": t2 - t1}), flush=True)

    def on_point(V, rec):  # partial results survive a time limit
        if comm.rank == 0:
            lin = pb.linear_stats()
            print("POINT " + json.dumps({
                "V": V, "J": rec["current_density_A_per_cm2"], "s": time.perf_counter() - t2,
                "cpu_s": time.process_time() - c2,
                "newton": lin["newton_iterations"] - eq["newton_iterations"],
                "krylov": lin["krylov_iterations"] - eq["krylov_iterations"]}), flush=True)

    records, problems = sweep(pb, "left", biases, Progress("bench", len(biases), rank=1),
                              on_point=on_point)
    currents = {r["voltage_V"]: r["current_density_A_per_cm2"] for r in records}
    t3, c3 = time.perf_counter(), time.process_time()
    cpu = comm.gather(c3 - c2, root=0)
    lin = pb.linear_stats()
    split = {e: PETSc.Log.Event(e).getPerfInfo()["time"] - before[e] for e in events}
    newton = lin["newton_iterations"] - eq["newton_iterations"]
    krylov = lin["krylov_iterations"] - eq["krylov_iterations"]
    rss = comm.gather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, root=0)
    dofs = pb.W.dofmap.index_map.size_global * pb.W.dofmap.index_map_bs
    if comm.rank == 0:
        print("RESULT " + json.dumps({
            "ranks": comm.size, "ny": ny, "solver": lin["solvers"]["coupled"],
            "unknowns": dofs, "setup_s": t1 - t0, "equilibrium_s": t2 - t1,
            "walk_s": t3 - t2, "newton": newton, "krylov": krylov,
            "krylov_per_newton": krylov / newton if lin["krylov_per_newton"] else None,
            "ms_per_newton": 1e3 * (t3 - t2) / newton,
            "cpu_ms_per_newton_per_rank": [1e3 * c / newton for c in cpu],
            "load_average": __import__("os").getloadavg()[0],
            "split_ms_per_newton": {e: 1e3 * t / newton for e, t in split.items()},
            "fallbacks": lin["fallbacks"], "peak_rss_MB_per_rank": rss, "problems": problems,
            "current_A_per_cm2": currents}))
''')

DIODE = ROOT / "cases" / "si_diode_1e18.toml"  # the 1D diode, shared with the 2D / 3D tests
EXTRUSION = """
[geometry]
generator = "extruded_stack"
[geometry.parameters]
layers = [["p", 1000.0], ["n", 1000.0]]
width_nm = 200.0
ny = 2
dim = 3
h_min_nm = {h_min}
h_max_nm = {h_max}
[mesh]
max_nodes = 100000000
[output]
plots = false
fields = false
"""


def diode_text(extruded: bool) -> str:
    """The diode case as an equilibrium study: 1D, or the 3D extrusion (ny set by the worker)."""
    text = DIODE.read_text()
    text = text[:text.index("[study]")] + '[study]\nkind = "equilibrium"\n'
    return text + (EXTRUSION.format(h_min=H_MIN, h_max=H_MAX) if extruded else "")


def run(ranks: int, ny: int, solver: str, case: Path, biases: str, timeout: float) -> dict:
    """One configuration in a fresh ``mpirun`` process; its RESULT record or the failure."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(WORKER)
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "PYTHONPATH": str(ROOT)}
    cmd = ["mpirun", "-n", str(ranks), sys.executable, fh.name, str(ny), solver, str(case),
           biases]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        partial = [ln for ln in out.splitlines() if ln.startswith(("STAGE ", "POINT "))]
        return {"ranks": ranks, "ny": ny, "solver": solver, "failed": f"> {timeout:.0f} s",
                "partial": partial}
    finally:
        os.unlink(fh.name)
    for line in res.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    lines = [ln for ln in res.stderr.splitlines() if ln.strip(" -")]  # not mpirun's rules
    tail = (lines or ["?"])[-1][:160]
    return {"ranks": ranks, "ny": ny, "solver": solver, "failed": f"exit {res.returncode}: {tail}"}


def reference_1d(biases: list[float]) -> dict[float, float]:
    """J at each bias from the 1D solver on the x nodes of the extrusion (A/cm^2)."""
    code = textwrap.dedent(f'''
        import json, sys
        import numpy as np
        from mpi4py import MPI
        from meshes._common import graded_nodes
        from solver.case import load_case
        from solver.device.problem import DeviceProblem
        from solver.results.progress import Progress
        from solver.studies.bias import sweep
        p = graded_nodes(1000.0, {H_MIN}, {H_MAX}, 1.1)
        x = np.concatenate([p, 1000.0 + p[1:]]) * 1e-9
        case = load_case(sys.argv[1])
        pb = DeviceProblem(case, MPI.COMM_SELF, nodes=x)
        pb.solve_equilibrium()
        records, _ = sweep(pb, "left", {biases!r}, Progress("ref", {len(biases)}, rank=1))
        out = {{r["voltage_V"]: r["current_density_A_per_cm2"] for r in records}}
        print("RESULT " + json.dumps(out))
    ''')
    with tempfile.TemporaryDirectory() as tmp:
        case1d = Path(tmp) / "d1.toml"
        case1d.write_text(diode_text(extruded=False))
        res = subprocess.run([sys.executable, "-c", code, str(case1d)], capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("RESULT "))
    return {float(k): v for k, v in json.loads(line[7:]).items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ny", type=int, nargs="+", default=[8, 17])
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--solvers", nargs="+", default=["iterative", "mumps"])
    ap.add_argument("--biases", default="0.3,-0.5", help="comma-separated biases (V)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="per run (s)")
    ap.add_argument("--out", type=Path, help="write all records as JSON")
    args = ap.parse_args()
    biases = [float(v) for v in args.biases.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "diode3d.toml"
        case.write_text(diode_text(extruded=True))
        ref = reference_1d(biases)
        rows = []
        for ny in args.ny:
            for solver in args.solvers:
                for ranks in args.ranks:
                    r = run(ranks, ny, solver, case, args.biases, args.timeout)
                    rows.append(r)
                    print(summary_line(r, ref), flush=True)
    print_ratios(rows)
    if args.out:
        args.out.write_text(json.dumps({"reference_1d": ref, "runs": rows}, indent=2))


def summary_line(r: dict, ref: dict[float, float]) -> str:
    """One table row of a run."""
    head = f"ny {r['ny']:3d}  {r['solver']:>24s}  {r['ranks']} rank(s)"
    if "failed" in r:
        return "\n  ".join([f"{head}  FAILED {r['failed']}", *r.get("partial", [])])
    s = r["split_ms_per_newton"]
    dev = max(abs(j / ref[float(V)] - 1.0) for V, j in r["current_A_per_cm2"].items())
    kry = f"{r['krylov_per_newton']:.1f}" if r["krylov_per_newton"] else "-"
    cpu = max(r.get("cpu_ms_per_newton_per_rank", [float("nan")]))
    return (f"{head}  {r['unknowns']:9d} unknowns  setup {r['setup_s']:6.1f} s  eq "
            f"{r['equilibrium_s']:6.1f} s  walk {r['walk_s']:7.1f} s  {r['newton']:3d} Newton  "
            f"{kry:>4s} Krylov/Newton  {r['ms_per_newton']:8.0f} ms/Newton (CPU {cpu:.0f} "
            f"ms/Newton/rank, load {r.get('load_average', float('nan')):.1f}; residual "
            f"{s['SNESFunctionEval']:.0f}, Jacobian {s['SNESJacobianEval']:.0f}, PC setup "
            f"{s['PCSetUp']:.0f}, solve {s['KSPSolve']:.0f})  peak "
            f"{max(r['peak_rss_MB_per_rank']):.0f} MB/rank  |J/J_1D - 1| <= {dev:.1e}")


def print_ratios(rows: list[dict]) -> None:
    """Strong scaling (1 -> 2 ranks) and time per Newton iteration per unknown."""
    ok = [r for r in rows if "failed" not in r]
    for r2 in (r for r in ok if r["ranks"] == 2):
        r1 = next((r for r in ok if r["ranks"] == 1 and r["ny"] == r2["ny"]
                   and r["solver"] == r2["solver"]), None)
        if r1:
            print(f"strong scaling ny {r2['ny']} {r2['solver']}: 1 -> 2 ranks "
                  f"{r1['ms_per_newton'] / r2['ms_per_newton']:.2f}x per Newton iteration")
    for solver in sorted({r["solver"] for r in ok}):
        for ranks in sorted({r["ranks"] for r in ok}):
            pts = sorted((r["unknowns"], r["ms_per_newton"]) for r in ok
                         if r["solver"] == solver and r["ranks"] == ranks)
            if len(pts) > 1:
                per = ", ".join(f"{n}: {1e3 * t / n:.1f} us" for n, t in pts)
                print(f"per-unknown cost per Newton iteration, {solver}, {ranks} rank(s): {per}")


if __name__ == "__main__":
    main()
