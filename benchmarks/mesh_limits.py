"""Peak memory and wall time of one equilibrium solve against mesh size, in 1D, 2D and 3D.

    .venv/bin/python benchmarks/mesh_limits.py [--dims 1,2,3] [--quick]

Each point is ``interphase run`` of a shipped case (si_pn_diode, onchip_2d, onchip_3d) as an
equilibrium study without plots or fields, refined to the target size, in its own process; the
peak resident memory (ru_maxrss of the child) and the wall time are printed with the node count.
The defaults of ``[mesh] max_nodes`` (solver/case/schema.py MAX_NODES) come from these numbers:
a mesh at the default must fit in a few GB and a few minutes per solve on a 2-core, 24 GB machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"

POINTS = {  # dimension -> (case, [(--set ...) per point])
    1: ("si_pn_diode.toml", [[f"mesh.max_nm={h}", f"mesh.min_nm={h}"]
                             for h in (0.02, 0.004, 0.001)]),
    2: ("onchip_2d.toml", [[f"geometry.parameters.h_min_nm={h}",
                            f"geometry.parameters.h_max_nm={hm}"]
                           for h, hm in ((0.5, 20.0), (0.25, 10.0), (0.15, 6.0))]),
    3: ("onchip_3d.toml", [[f"geometry.parameters.h_min_nm={h}",
                            f"geometry.parameters.h_edge_nm={he}",
                            f"geometry.parameters.h_max_nm={hm}"]
                           for h, he, hm in ((2.0, 12.0, 50.0), (1.5, 8.0, 30.0),
                                             (1.0, 6.0, 25.0))]),
}


def measure(case: str, sets: list[str]) -> dict:
    out = Path(tempfile.mkdtemp(prefix="mesh-limits-"))
    args = ["run", str(CASES / case), "--out", str(out), "--set", 'study.kind="equilibrium"',
            "--set", "output.plots=false", "--set", "output.fields=false",
            "--set", "mesh.max_nodes=100000000"]
    for s in sets:
        args += ["--set", s]
    wrapper = ("import resource, runpy, sys\n"
               f"sys.argv = ['interphase', *{args!r}]\n"
               "try:\n    runpy.run_module('solver', run_name='__main__')\n"
               "finally:\n    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF)"
               ".ru_maxrss, file=sys.stderr)\n")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                       cwd=ROOT)
    wall = time.perf_counter() - t0
    rss = [ln for ln in r.stderr.splitlines() if ln.startswith("MAXRSS")]
    peak = int(rss[-1].split()[1]) // 1024 if rss else None
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-2:], "wall_s": round(wall, 1)}
    s = json.loads((out / "summary.json").read_text())
    return {"nodes": s["mesh"]["nodes"], "wall_s": round(wall, 1), "peak_MB": peak}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", default="1,2,3")
    ap.add_argument("--quick", action="store_true", help="the smallest point of each only")
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    for d in (int(x) for x in a.dims.split(",")):
        case, points = POINTS[d]
        for sets in points[:1] if a.quick else points:
            print(f"{d}D {case} {' '.join(sets)}: {measure(case, sets)}", flush=True)


if __name__ == "__main__":
    main()
