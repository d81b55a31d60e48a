"""2D on-chip device: equilibrium + 10 bias points at ~100k unknowns, at 1 and 2 ranks.

Prints wall time (setup, equilibrium, sweep) and peak memory per rank for each rank count, and
the strong-scaling speed-up. Each run is a fresh `mpirun -n R` process on a warm JIT cache.

    .venv/bin/python benchmarks/bench_2d.py [--h-min-nm 0.5] [--h-max-nm 15] [--ranks 1 2]
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

WORKER = textwrap.dedent('''
    import json, resource, sys, time
    from mpi4py import MPI
    from solver.case import load_case
    from solver.results.progress import Progress
    from solver.studies.equilibrium import run_equilibrium
    from solver.studies.bias import sweep
    from solver.device.problem import DeviceProblem
    comm = MPI.COMM_WORLD
    h_min, h_max = float(sys.argv[1]), float(sys.argv[2])
    case = load_case(sys.argv[3], [
        "geometry.parameters={ pad_width_nm = 200.0, die_width_nm = 1000.0, "
        f"h_min_nm = {h_min}, h_max_nm = {h_max} }}"])
    t0 = time.perf_counter()
    pb = DeviceProblem(case, comm)
    t1 = time.perf_counter()
    run_equilibrium(pb, 300.0)
    t2 = time.perf_counter()
    volts = [0.1 * k for k in range(1, 11)]
    records, problems = sweep(pb, "top", volts, Progress("b", len(volts), rank=1))
    t3 = time.perf_counter()
    dofs = pb.W.dofmap.index_map.size_global * pb.W.dofmap.index_map_bs
    rss = comm.gather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, root=0)
    if comm.rank == 0:
        print(json.dumps({"ranks": comm.size, "dofs": dofs, "setup_s": t1 - t0,
                          "equilibrium_s": t2 - t1, "sweep_s": t3 - t2,
                          "newton": sum(r["newton_iterations"] for r in records),
                          "peak_rss_MB_per_rank": rss, "problems": problems}))
''')


def run(ranks: int, h_min: float, h_max: float, case: Path) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(WORKER)
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}
    cmd = ["mpirun", "-n", str(ranks), sys.executable, fh.name, str(h_min), str(h_max),
           str(case)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    return json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--h-min-nm", type=float, default=0.5)
    p.add_argument("--h-max-nm", type=float, default=15.0)
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    case = ROOT / "cases" / "onchip_2d.toml"
    run(1, 4.0, 80.0, case)  # warm the JIT cache
    rows = [run(r, args.h_min_nm, args.h_max_nm, case) for r in args.ranks]
    print(f"2D on-chip diode, {rows[0]['dofs']} unknowns, equilibrium + 10 biases")
    print("ranks  setup s  equil s  sweep s  Newton  peak RSS MB/rank")
    for r in rows:
        print(f"{r['ranks']:5d} {r['setup_s']:8.2f} {r['equilibrium_s']:8.2f} "
              f"{r['sweep_s']:8.2f} {r['newton']:7d}  {r['peak_rss_MB_per_rank']}")
    base = rows[0]["equilibrium_s"] + rows[0]["sweep_s"]
    for r in rows[1:]:
        print(f"speed-up {r['ranks']} ranks: {base / (r['equilibrium_s'] + r['sweep_s']):.2f}x")


if __name__ == "__main__":
    main()
