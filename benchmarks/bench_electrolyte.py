"""Electrolyte studies: a day of chronoamperometry and a 60-frequency impedance spectrum.

1. ``cases/pellet_chronoamperometry.toml``: the 0.5 mm LLZTO pellet carrying the 10 nm p-Si +
   10 nm n-TiO2 interphase, -1 V step, 24 h (adaptive BDF2 from the automatic first step).
2. ``cases/pellet_impedance.toml`` with 60 log-spaced frequencies, 1 mHz .. 10 MHz.

Each runs as ``mpirun -n R interphase run`` (a fresh process, warm JIT cache) at each rank count.
Prints wall time inside the solver (from the summary's provenance) and of the whole process,
time steps / Newton iterations, and the results themselves (steady current, bulk resistance),
which must agree between rank counts.

    .venv/bin/python benchmarks/bench_electrolyte.py [--ranks 1 2] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
       "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMP_NUM_THREADS": "1",
       "OPENBLAS_NUM_THREADS": "1"}
_F = ", ".join(repr(1e-3 * 10 ** (10 * k / 59)) for k in range(60))  # 1 mHz .. 10 MHz
FREQS = f"study.frequencies_Hz={{values = [{_F}]}}"


def run(case: Path, sets: list[str], ranks: int, out: Path) -> dict:
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        raise SystemExit("mpirun not found")
    interphase = str(Path(sys.executable).with_name("interphase"))
    cmd = [mpirun, "-n", str(ranks), interphase, "run", str(case), "--out", str(out)]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    summary = json.loads((out / "summary.json").read_text())
    return {"process_s": wall, "solver_s": summary["provenance"]["wall_time_s"],
            "summary": summary}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-electrolyte-"))
    chrono, imp = ROOT / "cases/pellet_chronoamperometry.toml", ROOT / "cases/pellet_impedance.toml"
    run(chrono, ["study.t_end_s=1.0"], 1, tmp / "warm1")  # fill the JIT cache
    run(imp, ["study.frequencies_Hz={values = [1.0]}"], 1, tmp / "warm2")
    results: dict = {"chronoamperometry": {}, "impedance": {}}
    for r in args.ranks:
        c = run(chrono, [], r, tmp / f"chrono{r}")
        s = c["summary"]
        results["chronoamperometry"][r] = {
            "process_s": c["process_s"], "solver_s": c["solver_s"], **s["time_stepping"],
            "steady_current_density_A_per_cm2": s["steady_current_density_A_per_cm2"],
            "effective_conductivity_S_per_cm": s["effective_conductivity_S_per_cm"]}
        z = run(imp, [FREQS], r, tmp / f"imp{r}")
        s = z["summary"]
        results["impedance"][r] = {
            "process_s": z["process_s"], "solver_s": z["solver_s"],
            "frequencies": len(s["impedance"]["frequency_Hz"]),
            "bulk_resistance_ohm": s.get("bulk_resistance_ohm"),
            "electrode_capacitance_uF_per_cm2": s.get("electrode_capacitance_uF_per_cm2")}
    print("\n24 h chronoamperometry, Au / Al / p-Si / n-TiO2 / LLZTO (0.5 mm) / Au, -1 V, 298 K")
    print("| ranks | solver (s) | process (s) | steps | rejected | Newton its | J_ss (A/cm2) | "
          "sigma_eff (S/cm) |")
    print("|---|---|---|---|---|---|---|---|")
    for r, v in results["chronoamperometry"].items():
        print(f"| {r} | {v['solver_s']:.2f} | {v['process_s']:.2f} | {v['steps']} | "
              f"{v['rejected']} | {v['newton_iterations']} | "
              f"{v['steady_current_density_A_per_cm2']:.6e} | "
              f"{v['effective_conductivity_S_per_cm']:.6e} |")
    print("\nImpedance spectrum, Au / LLZTO (0.5 mm) / Au, 298 K")
    print("| ranks | frequencies | solver (s) | process (s) | R_bulk (ohm) | C_dl (uF/cm2) |")
    print("|---|---|---|---|---|---|")
    for r, v in results["impedance"].items():
        print(f"| {r} | {v['frequencies']} | {v['solver_s']:.2f} | {v['process_s']:.2f} | "
              f"{v['bulk_resistance_ohm']:.4f} | {v['electrode_capacitance_uF_per_cm2']:.4g} |")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, default=str))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
