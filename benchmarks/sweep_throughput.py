"""Throughput of a parameter sweep (points per minute) at 1 and 2 MPI ranks.

Runs the 40-point temperature x doping study of the on-chip diode
(``cases/sweeps/onchip_T_doping.toml``: 8 temperatures x 5 p-Si dopings, each point a full
-2 .. +2 V I-V of ``cases/onchip_diode.toml``) with ``mpirun -n N python -m solver.sweep`` into a
fresh folder for each N, after a warm-up run that fills the DOLFINx JIT cache. Reports, per N:

* sweep phase: points / minute over the run's point phase (first claim to last record, from
  ``runs/<run>.json``), which is what the ranks deliver once started;
* whole command: points / minute including ``mpirun``, Python and DOLFINx start-up;
* the speed-up of each against 1 rank (target >= 1.9 at 2 ranks on a 2-core machine),

and checks that the tables of all rank counts are identical (timings excluded). On a shared
machine the CPU time of other processes during each run is measured (``/proc/stat`` minus our
own); runs with more than ``--max-foreign`` cores of other load are repeated (up to
``--max-tries``) and the fastest clean run is kept.

Usage: ``.venv/bin/python benchmarks/sweep_throughput.py [--ranks 1 2] [--repeat 1]
[--study FILE] [--out results.json]``. Needs an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.sweep.table import read_table_csv  # noqa: E402

ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
       "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMP_NUM_THREADS": "1",
       "OPENBLAS_NUM_THREADS": "1"}


def busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot (Linux /proc/stat; 0 elsewhere)."""
    try:
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:9]]
    except OSError:
        return 0.0
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def children_seconds() -> float:
    """CPU seconds of this process's finished children."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def sweep(study: Path, out: Path, ranks: int) -> dict[str, Any]:
    """One fresh sweep on ``ranks`` ranks: wall times, other processes' load, the table."""
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        raise SystemExit("mpirun not found")
    cmd = [mpirun, "-n", str(ranks), sys.executable, "-m", "solver.sweep", str(study),
           "--out", str(out), "--restart"]
    busy0, ours0 = busy_seconds(), children_seconds()
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=ENV, cwd=ROOT)
    wall = time.perf_counter() - t
    foreign = max(busy_seconds() - busy0 - (children_seconds() - ours0), 0.0) / wall
    if res.returncode not in (0, 3):
        raise RuntimeError(f"sweep failed ({res.returncode}): {res.stderr[-2000:]}")
    runs = [json.loads(p.read_text()) for p in (out / "runs").glob("*.json")]
    table = read_table_csv(out / "table.csv")
    point_s = [json.loads(p.read_text())["timings"]["wall_s"]
               for p in sorted((out / "records").glob("*.json"))]
    return {"ranks": ranks, "points": len(table), "command_s": wall, "foreign_load": foreign,
            "sweep_s": runs[-1]["seconds"], "failed": sum(r["status"] != "ok" for r in table),
            "mean_point_s": sum(point_s) / len(point_s), "table": table}


def warm_up() -> float:
    """Run one point of the case so the JIT cache holds every compiled form."""
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        case = str(ROOT / "cases/onchip_diode.toml")
        subprocess.run([sys.executable, "-m", "solver", "run", case, "--out", d,
                        "--set", "temperature_K=300.0", "--set", "output.plots=false",
                        "--set", "output.fields=false"], check=True, capture_output=True,
                       env=ENV, cwd=ROOT)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--study", type=Path, default=ROOT / "cases/sweeps/onchip_T_doping.toml")
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeat", type=int, default=2,
                   help="clean runs per rank count; the fastest is kept")
    p.add_argument("--max-foreign", type=float, default=0.1,
                   help="discard runs while other processes used more cores than this")
    p.add_argument("--max-tries", type=int, default=6, help="runs per rank count at most")
    p.add_argument("--out", type=Path, help="write the results as JSON")
    args = p.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    print(f"warm-up (JIT cache): {warm_up():.1f} s")
    rows = []
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        for n in args.ranks:
            runs: list[dict[str, Any]] = []
            for _ in range(args.max_tries):
                r = sweep(args.study, Path(tmp) / f"n{n}", n)
                print(f"  {n} rank(s): sweep {r['sweep_s']:.2f} s, command {r['command_s']:.2f} s,"
                      f" other processes' load {r['foreign_load']:.2f} cores")
                runs.append(r)
                if sum(x["foreign_load"] <= args.max_foreign for x in runs) >= args.repeat:
                    break
            clean = [x for x in runs if x["foreign_load"] <= args.max_foreign] or runs
            rows.append(min(clean, key=lambda r: r["sweep_s"]))
    base = rows[0]
    same = all(r["table"] == base["table"] for r in rows)
    print(f"\n{args.study.name}: {base['points']} points, {base['failed']} not ok\n")
    print(f"{'ranks':>5} {'sweep s':>8} {'pts/min':>8} {'speed-up':>8} | {'command s':>9} "
          f"{'pts/min':>8} {'speed-up':>8} | {'s/point':>7}")
    for r in rows:
        r["sweep_points_per_min"] = 60 * r["points"] / r["sweep_s"]
        r["command_points_per_min"] = 60 * r["points"] / r["command_s"]
        r["sweep_speedup"] = base["sweep_s"] / r["sweep_s"]
        r["command_speedup"] = base["command_s"] / r["command_s"]
        print(f"{r['ranks']:>5} {r['sweep_s']:>8.2f} {r['sweep_points_per_min']:>8.1f} "
              f"{r['sweep_speedup']:>8.2f} | {r['command_s']:>9.2f} "
              f"{r['command_points_per_min']:>8.1f} {r['command_speedup']:>8.2f} | "
              f"{r['mean_point_s']:>7.3f}  (other load {r['foreign_load']:.2f})")
    print(f"\ntables identical across rank counts (timings excluded): {same}")
    if args.out:
        args.out.write_text(json.dumps(
            {"study": str(args.study), "tables_identical": same,
             "runs": [{k: v for k, v in r.items() if k != "table"} for r in rows]}, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
