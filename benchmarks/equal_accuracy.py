"""interphase against DEVSIM at equal accuracy on the silicon diode, and the demo's time split.

One run prints:

1. **Accuracy and cost per mesh**: the 37-point sweep of cases/si_pn_diode.toml (-1.0 .. +0.8 V)
   by interphase and by DEVSIM (double precision, its default) on the same graded meshes of
   about 200, 2,000 and 20,000 nodes (``--nodes``), and by interphase on the case's own default
   mesh, and by DEVSIM in extended precision (float128) on the meshes up to
   ``--extended-max-nodes`` (2,001; ~20 s there, ~10x that at 20,001). Each run is a fresh
   process (interphase on a warm JIT cache, the quiet MPI start of the CLI); the table gives
   the worst relative error of J against the reference over the biases with
   |J| > 1e-12 A/cm^2 (``all``) and over those with |J| >= 1 A/cm^2 (``large``: forward
   above ~0.45 V, where DEVSIM's double precision is not limited by round-off), the whole
   process, the sweep, Newton iterations and ms per Newton iteration, medians of ``--repeat``
   processes (codes alternating).
2. **Equal accuracy**: for each metric, the cheapest interphase run and the cheapest DEVSIM
   run (either precision) within ``--target`` (1 %) of the reference, and the ratios
   interphase / DEVSIM of the whole process and of the ms per Newton iteration.
3. The **demo's time split** (:mod:`demo_split`), unless ``--no-demo``.

Reference: interphase on a mesh ``--reference-factor`` (4) times finer than the finest one
(80,001 nodes by default); the discretisation error left there is ~1/16 of the finest mesh's.
interphase and DEVSIM solve the same discrete equations (``diode_vs_devsim.py``: 4e-13 on the
same mesh against DEVSIM in extended precision); ``--extended-check`` prints that difference on
the finest mesh DEVSIM extended ran on.

Usage: ``.venv/bin/python benchmarks/equal_accuracy.py [--nodes 200 2000 20000] [--repeat 3]
[--target 0.01] [--extended-check] [--extended-max-nodes 2001] [--no-demo]
[--out res.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from diode_vs_devsim import (
    J_FLOOR,
    VOLTAGES,
    _git_state,
    devsim_python,
    devsim_subprocess,
    graded_nodes,
    interphase_subprocess,
)

CASE_MESH = None  # interphase on the case's default mesh


def errors(run: dict[str, Any], ref: dict[str, Any]) -> dict[str, float]:
    """Worst relative error of J against the reference: all biases and forward ones."""
    j = np.asarray(run["current_density_A_per_cm2"])
    jr = np.asarray(ref["current_density_A_per_cm2"])
    v = np.asarray(ref["voltage_V"])
    assert np.allclose(np.asarray(run["voltage_V"]), v)
    rel = np.abs(j - jr) / np.where(np.abs(jr) > 0, np.abs(jr), 1.0)
    ok = np.abs(jr) > J_FLOOR
    large = np.abs(jr) >= 1.0
    return {"all": float(np.max(rel[ok])), "large": float(np.max(rel[large]))}


def _cells(n: int) -> int:
    return max(4, 4 * round((n - 1) / 4))


def _summary(runs: list[dict[str, Any]], sweep_key: str) -> dict[str, Any]:
    """Median process and sweep times of repeated runs (results of the last one)."""
    last = dict(runs[-1])
    its = sum(last["newton_iterations"])
    last["process_s"] = statistics.median(r["process_s"] for r in runs)
    last["sweep_s"] = statistics.median(r[sweep_key] for r in runs)
    last["newton_total"] = its
    last["ms_per_newton"] = 1e3 * last["sweep_s"] / its
    return last


def measure(nodes: Sequence[int], repeat: int, factor: int, python: str,
            extended_check: bool, extended_max: int) -> dict[str, Any]:
    """Every run of the comparison (see the module docstring)."""
    tmp = Path(tempfile.mkdtemp(prefix="interphase-equal-"))
    # the user's JIT cache (warm after the first run)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    try:
        for _ in range(8):  # settle the JIT cache (diode_vs_devsim.py explains why)
            if interphase_subprocess(graded_nodes(40), cache, 1, tmp, "settle",
                                     [0.1])["jit_modules_built"] == 0:
                break
        ref = interphase_subprocess(graded_nodes(_cells(factor * max(nodes))), cache, 1, tmp,
                                    "ref")
        rows = []
        for n in [*nodes, CASE_MESH]:
            x = graded_nodes(_cells(n)) if n is not None else None
            ip_runs, dv_runs, ext_runs = [], [], []
            for k in range(repeat):
                ip_runs.append(interphase_subprocess(x, cache, 1, tmp, "ip"))
                if x is not None:
                    dv_runs.append(devsim_subprocess(python, x, ref["params"], False, tmp))
                    if k == 0 and len(x) <= extended_max:  # ~10x slower: once
                        ext_runs.append(devsim_subprocess(python, x, ref["params"], True, tmp))
            ip = _summary(ip_runs, "sweep_s")
            row = {"nodes": ip["n_nodes"], "case_mesh": n is None,
                   "interphase": {**_slim(ip), "error": errors(ip, ref)}}
            for code, runs in (("devsim", dv_runs), ("devsim_ext", ext_runs)):
                if runs:
                    d = _summary(runs, "wall_time_s")
                    row[code] = {**_slim(d), "error": errors(d, ref)}
            rows.append(row)
        check = None
        if extended_check:  # on the finest mesh DEVSIM extended ran on (else the middle one)
            both = [r for r in rows if "devsim_ext" in r]
            if both:
                row = both[-1]
                ip, ext = row["interphase"], row["devsim_ext"]
                n = row["nodes"]
            else:
                x = graded_nodes(_cells(nodes[len(nodes) // 2]))
                ext = devsim_subprocess(python, x, ref["params"], True, tmp)
                ip, n = interphase_subprocess(x, cache, 1, tmp, "ipx"), len(x)
            check = {"nodes": n, "interphase_vs_devsim_extended": errors(ip, ext)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"git": _git_state(), "reference_nodes": ref["n_nodes"], "rows": rows,
            "extended_check": check, "repeat": repeat}


def _slim(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("process_s", "sweep_s", "newton_total", "ms_per_newton", "voltage_V",
            "current_density_A_per_cm2", "newton_iterations")
    return {k: r[k] for k in keys}


def equal_accuracy(rows: list[dict[str, Any]], target: float) -> dict[str, Any]:
    """Per metric: the cheapest run of each code within ``target`` and the ratios there."""
    out: dict[str, Any] = {}
    for metric in ("all", "large"):
        best = {}
        for code, names in (("interphase", ("interphase",)), ("devsim", ("devsim", "devsim_ext"))):
            ok = [(r[c]["process_s"], r["nodes"], c, r[c]) for r in rows for c in names
                  if c in r and r[c]["error"][metric] <= target]
            if ok:
                best[code] = min(ok, key=lambda t: t[0])
        if len(best) < 2:
            out[metric] = None
            continue
        (_, n_ip, _, ip), (_, n_dv, c_dv, dv) = best["interphase"], best["devsim"]
        out[metric] = {"interphase_nodes": n_ip, "devsim_nodes": n_dv, "devsim_run": c_dv,
                       "interphase_process_s": ip["process_s"],
                       "devsim_process_s": dv["process_s"],
                       "process_ratio": ip["process_s"] / dv["process_s"],
                       "newton_ratio": ip["ms_per_newton"] / dv["ms_per_newton"]}
    return {"target": target, **out}


def report(res: dict[str, Any]) -> str:
    """The tables as text."""
    lines = [f"Si p-n diode, {len(VOLTAGES)} biases; interphase {res['git']}; reference: "
             f"interphase on {res['reference_nodes']} nodes; medians of {res['repeat']} "
             "processes",
             f"{'nodes':>7} {'code':<17} {'err all':>8} {'err large':>9} {'process s':>9} "
             f"{'sweep s':>8} {'Newton':>6} {'ms/Newton':>9}"]
    for r in res["rows"]:
        for code in ("interphase", "devsim", "devsim_ext"):
            if code not in r:
                continue
            d = r[code]
            name = {"devsim": "DEVSIM double", "devsim_ext": "DEVSIM extended"}.get(code, code)
            name += " (case mesh)" if r["case_mesh"] else ""
            lines.append(f"{r['nodes']:7d} {name:<17} {d['error']['all']:8.1e} "
                         f"{d['error']['large']:9.1e} {d['process_s']:9.3f} "
                         f"{d['sweep_s']:8.3f} {d['newton_total']:6d} "
                         f"{d['ms_per_newton']:9.3f}")
        if "devsim" in r:
            lines.append(f"{'':7} {'ip / DEVSIM dbl':<17} {'':8} {'':9} "
                         f"{r['interphase']['process_s'] / r['devsim']['process_s']:9.3f} "
                         f"{r['interphase']['sweep_s'] / r['devsim']['sweep_s']:8.3f} {'':6} "
                         f"{r['interphase']['ms_per_newton'] / r['devsim']['ms_per_newton']:9.3f}")
    eq = res["equal_accuracy"]
    for metric, label in (("all", "all biases"), ("large", "|J| >= 1 A/cm2")):
        e = eq[metric]
        if e is None:
            lines.append(f"equal accuracy ({label}): no run of one code within "
                         f"{eq['target']:.0%}")
            continue
        run = "extended" if e["devsim_run"] == "devsim_ext" else "double"
        lines.append(
            f"equal accuracy (within {eq['target']:.0%}, {label}): interphase on "
            f"{e['interphase_nodes']} nodes {e['interphase_process_s']:.3f} s, DEVSIM {run} "
            f"on {e['devsim_nodes']} nodes {e['devsim_process_s']:.3f} s: whole process "
            f"{e['process_ratio']:.3f}, per Newton iteration {e['newton_ratio']:.3f}")
    if res.get("extended_check"):
        c = res["extended_check"]
        lines.append(f"interphase vs DEVSIM extended precision on {c['nodes']} nodes: worst "
                     f"{c['interphase_vs_devsim_extended']['all']:.1e}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, nargs="+", default=[200, 2000, 20000])
    ap.add_argument("--repeat", type=int, default=3, help="processes per code and mesh")
    ap.add_argument("--target", type=float, default=0.01, help="relative accuracy (1 %%)")
    ap.add_argument("--reference-factor", type=int, default=4)
    ap.add_argument("--extended-check", action="store_true")
    ap.add_argument("--extended-max-nodes", type=int, default=2001)
    ap.add_argument("--no-demo", action="store_true")
    ap.add_argument("--devsim-python", help="interpreter that can import devsim")
    ap.add_argument("--out", help="write all results as JSON here")
    args = ap.parse_args(argv)
    res = measure(args.nodes, args.repeat, args.reference_factor,
                  args.devsim_python or devsim_python(), args.extended_check,
                  args.extended_max_nodes)
    res["equal_accuracy"] = equal_accuracy(res["rows"], args.target)
    print(report(res), flush=True)
    if not args.no_demo:
        import demo_split

        res["demo"] = demo_split.measure(repeat=args.repeat)
        print(demo_split.report(res["demo"]))
    if args.out:
        Path(args.out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
