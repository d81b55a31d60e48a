"""interphase against DEVSIM on the silicon diode of cases/si_pn_diode.toml: J(V) and timings.

Both codes solve the same 37-point sweep (-1.0 .. +0.8 V) on the same node coordinates with
interphase's own n_i, permittivity, mobilities and lifetimes. Every solver runs in its own
subprocess (DEVSIM and DOLFINx never share a process):

1. interphase cold: a fresh, empty JIT cache (``XDG_CACHE_HOME`` -> empty temp dir; DOLFINx
   0.5.2 and 0.9 keep FFCx's compiled forms in ``$XDG_CACHE_HOME/fenics``);
2. interphase warm: the same cache, now filled (sweep repeated ``--repeat`` times, best kept);
3. DEVSIM with extended (float128) precision, then in plain double precision.

Usage: ``.venv/bin/python benchmarks/diode_vs_devsim.py [--cells 2000] [--out res.json]``.
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "benchmarks" / "peers" / "devsim_diode.py"
CASE = ROOT / "cases" / "si_pn_diode.toml"
DEVSIM_VENV_PYTHON = Path("/work/venvs/devsim/bin/python")
LENGTH, X_JUNCTION = 2e-6, 1e-6
VOLTAGES = [round(-1.0 + 0.05 * i, 10) for i in range(37)]
J_FLOOR = 1e-12  # A/cm^2
PETSC_EVENTS = ("SNESSolve", "SNESFunctionEval", "SNESJacobianEval", "KSPSolve", "PCSetUp",
                "MatSolve")


def graded_nodes(n_cells: int, h_min: float = 1e-10, length: float = LENGTH,
                 x_j: float = X_JUNCTION) -> np.ndarray:
    """Nodes graded geometrically toward both contacts and the junction.

    Args:
        n_cells: Number of cells (a multiple of 4).
        h_min: Cell size at the contacts and at the junction (m).
        length: Device length (m).
        x_j: Junction position (m); becomes a node.

    Returns:
        Sorted node coordinates (m), ``n_cells + 1`` of them.
    """
    m = max(n_cells // 4, 1)
    pieces: list[np.ndarray] = []
    for a, b in ((0.0, x_j), (x_j, length)):
        half = 0.5 * (b - a)
        lo, hi = 1.0 + 1e-12, 1.0 + 50.0 / m  # r**m stays below e**50
        for _ in range(200):  # growth ratio r with h_min (r^m - 1) / (r - 1) = half
            r = 0.5 * (lo + hi)
            lo, hi = (r, hi) if h_min * (r**m - 1.0) / (r - 1.0) < half else (lo, r)
        t = np.concatenate([[0.0], np.cumsum(h_min * r ** np.arange(m))])
        t *= half / t[-1]
        pieces += [a + t[:-1], b - t[::-1][:-1]]
    return np.concatenate([*pieces, [length]])


def _petsc_times() -> dict[str, tuple[float, int]]:
    from petsc4py import PETSc

    out = {}
    for name in PETSC_EVENTS:
        info = PETSc.Log.Event(name).getPerfInfo()
        out[name] = (float(info["time"]), int(info["count"]))
    return out


def run_interphase(x_m: np.ndarray | None, voltages: Sequence[float], repeat: int = 1,
                   petsc_log: bool = False) -> dict[str, Any]:
    """Run interphase in this process: imports, setup (mesh, forms, equilibrium), sweep.

    MPI starts as in the CLI (:func:`solver.mpistart.start_mpi`: quiet for a singleton).

    Args:
        x_m: Node coordinates (m); None: the case's own graded mesh.
        voltages: Left-contact biases (V).
        repeat: Number of sweeps (from equilibrium each time); the fastest is reported.
        petsc_log: Also report PETSc event times of the fastest sweep.

    Returns:
        Times (s), per-bias records, DEVSIM parameters and, if asked, the PETSc breakdown.
    """
    t0 = time.perf_counter()
    from solver.mpistart import start_mpi

    MPI = start_mpi()
    from petsc4py import PETSc

    from solver.case import load_case
    from solver.device.problem import DeviceProblem
    from solver.results.progress import Progress
    from solver.studies.bias import sweep
    from solver.studies.equilibrium import run_equilibrium

    if petsc_log and not PETSc.Log.isActive():
        PETSc.Log.begin()
    t1 = time.perf_counter()
    pb = DeviceProblem(load_case(CASE), MPI.COMM_SELF,
                       nodes=None if x_m is None else np.asarray(x_m))
    t2 = time.perf_counter()
    run_equilibrium(pb, 300.0)
    t3 = time.perf_counter()
    best: dict[str, Any] = {"sweep_s": np.inf}
    sweeps: list[float] = []
    for _ in range(max(repeat, 1)):
        ev0 = _petsc_times() if petsc_log else {}
        ts = time.perf_counter()
        records, problems = sweep(pb, "left", list(voltages), Progress("iv", 1, rank=1))
        dt = time.perf_counter() - ts
        sweeps.append(dt)
        if dt < best["sweep_s"]:
            ev1 = _petsc_times() if petsc_log else {}
            best = {"sweep_s": dt, "records": records, "problems": problems,
                    "petsc": {k: (ev1[k][0] - ev0[k][0], ev1[k][1] - ev0[k][1]) for k in ev1}}
    st = pb.P.states[0]
    params = {"T_K": 300.0, "eps_r": st.eps_r, "ni_cm3": st.ni * 1e-6,
              "mu_n_cm2_per_Vs": st.mu_n * 1e4, "mu_p_cm2_per_Vs": st.mu_p * 1e4,
              "tau_n_s": st.tau_n, "tau_p_s": st.tau_p, "NA_cm3": 1e17, "ND_cm3": 1e16,
              "x_junction_m": X_JUNCTION}
    recs = best["records"]
    return {"import_s": t1 - t0, "forms_s": t2 - t1, "equilibrium_s": t3 - t2,
            "setup_s": t3 - t1, "sweep_s": best["sweep_s"], "sweeps_s": sweeps,
            "problems": best["problems"],
            "voltage_V": [r["voltage_V"] for r in recs],
            "current_density_A_per_cm2": [r["current_density_A_per_cm2"] for r in recs],
            "newton_iterations": [int(r["newton_iterations"]) for r in recs],
            "petsc": best["petsc"], "params": params,
            "n_nodes": int(pb.dm.mesh.geometry.x.shape[0]),
            "trap_level_J": st.trap_level}


def _worker(path_in: str, path_out: str) -> None:
    job = json.loads(Path(path_in).read_text())
    x = job["x_m"]
    res = run_interphase(None if x is None else np.asarray(x), job["voltages_V"],
                         job.get("repeat", 1),
                         job.get("petsc_log", False))
    Path(path_out).write_text(json.dumps(res))


def _run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stderr[-3000:]}")
    return time.perf_counter() - t


def interphase_subprocess(x: np.ndarray | None, cache_home: str, repeat: int, tmp: Path,
                          tag: str, voltages: Sequence[float] = VOLTAGES) -> dict[str, Any]:
    """interphase in a fresh process with ``XDG_CACHE_HOME=cache_home``.

    Adds ``process_s`` (whole process, counting one sweep: repeats are subtracted) and
    ``jit_modules_built`` (new compiled modules in the cache: 0 when the cache is warm).
    """
    job, out = tmp / f"{tag}_in.json", tmp / f"{tag}_out.json"
    job.write_text(json.dumps({"x_m": None if x is None else x.tolist(),
                               "voltages_V": list(voltages),
                               "repeat": repeat}))
    env = {**os.environ, "XDG_CACHE_HOME": cache_home}
    jit_dir = Path(cache_home) / "fenics"  # DOLFINx 0.5-0.9: $XDG_CACHE_HOME/fenics
    before = len(list(jit_dir.glob("*.so"))) if jit_dir.exists() else 0
    wall = _run([sys.executable, __file__, "--worker", str(job), str(out)], env)
    res = json.loads(out.read_text())
    res["process_s"] = wall - sum(res["sweeps_s"][1:])
    res["jit_modules_built"] = len(list(jit_dir.glob("*.so"))) - before
    return res


def devsim_python() -> str:
    """This interpreter if it can import devsim, else the separate DEVSIM venv."""
    ok = subprocess.run([sys.executable, "-c", "import devsim"], capture_output=True)
    if ok.returncode == 0 or not DEVSIM_VENV_PYTHON.exists():
        return sys.executable
    return str(DEVSIM_VENV_PYTHON)


def devsim_subprocess(python: str, x: np.ndarray, params: dict[str, float], extended: bool,
                      tmp: Path) -> dict[str, Any]:
    """DEVSIM via benchmarks/peers/devsim_diode.py; adds ``process_s``."""
    tag = "ext" if extended else "dbl"
    job, out = tmp / f"devsim_{tag}_in.json", tmp / f"devsim_{tag}_out.json"
    job.write_text(json.dumps({"x_m": x.tolist(), "params": params, "voltages_V": VOLTAGES,
                               "extended": extended}))
    wall = _run([python, str(PEER), "--json-in", str(job), "--out", str(out)])
    res = json.loads(out.read_text())
    order = np.argsort(res["voltage_V"])  # DEVSIM ramps 0 -> -1 V, then ascends
    for k in ("voltage_V", "current_density_A_per_cm2", "newton_iterations", "substeps"):
        res[k] = [res[k][i] for i in order]
    return {**res, "process_s": wall}


def _git_state() -> str:
    res = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                         text=True, cwd=ROOT)
    return res.stdout.strip() or "unknown"


def compare(ip: dict[str, Any], ext: dict[str, Any], dbl: dict[str, Any]) -> dict[str, Any]:
    """Per-bias comparison table and the worst relative difference (|J| > J_FLOOR)."""
    j_ip = np.asarray(ip["current_density_A_per_cm2"])
    j_ext = np.asarray(ext["current_density_A_per_cm2"])
    j_dbl = np.asarray(dbl["current_density_A_per_cm2"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(j_ip - j_ext) / np.abs(j_ext)
        rel_dbl = np.abs(j_dbl - j_ext) / np.abs(j_ext)
    mask = np.abs(j_ext) > J_FLOOR
    i = int(np.argmax(np.where(mask, rel, -1.0)))
    return {"rel_diff": rel.tolist(), "rel_diff_double_vs_extended": rel_dbl.tolist(),
            "worst_rel_diff": float(rel[i]), "worst_at_V": ip["voltage_V"][i],
            "worst_double_vs_extended": float(np.max(rel_dbl[mask]))}


def _print_report(res: dict[str, Any]) -> None:
    ip, ext, dbl, cmp = res["interphase_warm"], res["devsim_extended"], res["devsim_double"], \
        res["comparison"]
    print(f"Si p-n diode, {ip['n_nodes']} nodes, {len(VOLTAGES)} biases; interphase "
          f"{res['git']}; DEVSIM via {res['devsim_python']}")
    print(f"{'V':>6} {'J interphase':>14} {'J DEVSIM ext':>14} {'rel.diff':>9} "
          f"{'J DEVSIM dbl':>14} {'Newton ip':>9} {'DEVSIM':>6}")
    for k, v in enumerate(ip["voltage_V"]):
        print(f"{v:6.2f} {ip['current_density_A_per_cm2'][k]:14.6e} "
              f"{ext['current_density_A_per_cm2'][k]:14.6e} {cmp['rel_diff'][k]:9.1e} "
              f"{dbl['current_density_A_per_cm2'][k]:14.6e} {ip['newton_iterations'][k]:9d} "
              f"{ext['newton_iterations'][k]:6d}")
    print(f"worst |J_ip/J_ext - 1| (|J| > {J_FLOOR:g}) = {cmp['worst_rel_diff']:.2e} at "
          f"{cmp['worst_at_V']:+.2f} V;  DEVSIM double vs extended: worst "
          f"{cmp['worst_double_vs_extended']:.2e}")
    print("\ntimings (s)          setup    sweep    total  process  Newton  s/Newton")
    rows = [("interphase cold", res["interphase_cold"], "setup_s", "sweep_s"),
            ("interphase warm", ip, "setup_s", "sweep_s"),
            ("DEVSIM extended", ext, "setup_time_s", "wall_time_s"),
            ("DEVSIM double", dbl, "setup_time_s", "wall_time_s")]
    for name, r, setup, sweep in rows:
        its = sum(r["newton_iterations"])
        print(f"{name:<18} {r[setup]:8.3f} {r[sweep]:8.3f} {r[setup] + r[sweep]:8.3f} "
              f"{r['process_s']:8.2f} {its:7d} {r[sweep] / its:9.2e}")
    print(f"(interphase setup = mesh + forms (JIT: {res['interphase_cold']['jit_modules_built']} "
          f"modules built cold, then {res['interphase_cold']['settle_runs']} settling runs, "
          f"{ip['jit_modules_built']} warm) + equilibrium; process = whole "
          "subprocess incl. imports, one sweep)")
    print("\nratios interphase / DEVSIM   vs extended   vs double")
    for key, label in (("sweep", "warm sweep"), ("total", "warm setup+sweep"),
                       ("process", "warm process"), ("cold_process", "cold process")):
        r = res["ratios"]
        print(f"  {label:<24} {r['extended'][key]:12.3f} {r['double'][key]:11.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, default=2000, help="mesh cells (multiple of 4)")
    ap.add_argument("--h-min-nm", type=float, default=0.1, help="cell at contacts/junction")
    ap.add_argument("--repeat", type=int, default=3, help="warm sweeps (fastest is kept)")
    ap.add_argument("--devsim-python", help="interpreter that can import devsim")
    ap.add_argument("--out", help="write all results as JSON here")
    ap.add_argument("--worker", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return 0
    x = graded_nodes(args.cells, args.h_min_nm * 1e-9)
    python = args.devsim_python or devsim_python()
    tmp = Path(tempfile.mkdtemp(prefix="interphase-bench-"))
    try:
        cache = str(tmp / "xdg_cache")  # empty: the cold run compiles every form
        cold = interphase_subprocess(x, cache, 1, tmp, "cold")
        # UFL form signatures built after a JIT cache miss differ from those built after a hit
        # (DOLFINx 0.5.2), so the next few processes still compile one module each: settle
        warmups = 0
        while warmups < 12:
            warmups += 1
            if interphase_subprocess(graded_nodes(40), cache, 1, tmp, "settle",
                                     [0.1])["jit_modules_built"] == 0:
                break
        cold["settle_runs"] = warmups
        warm = interphase_subprocess(x, cache, args.repeat, tmp, "warm")
        ext = devsim_subprocess(python, x, warm["params"], True, tmp)
        dbl = devsim_subprocess(python, x, warm["params"], False, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ratios = {}
    for tag, d in (("extended", ext), ("double", dbl)):
        d_total = d["setup_time_s"] + d["wall_time_s"]
        ratios[tag] = {"sweep": warm["sweep_s"] / d["wall_time_s"],
                       "total": (warm["setup_s"] + warm["sweep_s"]) / d_total,
                       "process": warm["process_s"] / d["process_s"],
                       "cold_process": cold["process_s"] / d["process_s"]}
    res = {"git": _git_state(), "devsim_python": python, "interphase_cold": cold,
           "interphase_warm": warm, "devsim_extended": ext, "devsim_double": dbl,
           "comparison": compare(warm, ext, dbl), "ratios": ratios}
    _print_report(res)
    if args.out:
        Path(args.out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
