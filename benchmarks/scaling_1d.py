"""Warm time per bias point of the silicon diode sweep against mesh size (serial).

Runs the 37-point sweep (-1.0 .. +0.8 V) of cases/si_pn_diode.toml on graded meshes of about
200, 2,000 and 20,000 nodes in one process (forms are compiled, or loaded from the JIT cache, by
a warm-up run first), keeps the fastest of ``--repeat`` sweeps, and splits the time with PETSc's
event log: residual assembly (SNESFunctionEval), Jacobian assembly (SNESJacobianEval), LU
factorisation (PCSetUp), triangular solves (KSPSolve), the rest of SNES (damping, convergence
test, vector copies) and the continuation outside SNES (current read-out, snapshots).

Usage: ``.venv/bin/python benchmarks/scaling_1d.py [--nodes 200 2000 20000] [--out s.json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from diode_vs_devsim import VOLTAGES, graded_nodes, run_interphase


def breakdown(res: dict[str, Any]) -> dict[str, float]:
    """Seconds per bias point by phase, from the PETSc event deltas of one sweep.

    Args:
        res: Result of :func:`diode_vs_devsim.run_interphase` with ``petsc_log=True``.

    Returns:
        Phase -> seconds per bias point (``total`` is the measured sweep time).
    """
    ev = {k: v[0] for k, v in res["petsc"].items()}
    n = len(res["voltage_V"])
    pc, ksp = ev["PCSetUp"], ev["KSPSolve"]
    if ksp >= pc + ev["MatSolve"]:  # PCSetUp logged inside KSPSolve (not so in PETSc 3.18)
        ksp -= pc
    parts = {
        "residual": ev["SNESFunctionEval"],
        "jacobian": ev["SNESJacobianEval"],
        "lu_factor": pc,
        "lu_solve": ksp,
        "snes_other": ev["SNESSolve"] - ev["SNESFunctionEval"] - ev["SNESJacobianEval"]
        - pc - ksp,
        "outside_snes": res["sweep_s"] - ev["SNESSolve"],
        "total": res["sweep_s"],
    }
    return {k: v / n for k, v in parts.items()}


def run(nodes: Sequence[int], repeat: int) -> list[dict[str, Any]]:
    """Warm sweeps at each mesh size.

    Args:
        nodes: Approximate node counts (rounded to 4 k + 1).
        repeat: Sweeps per mesh; the fastest is kept.

    Returns:
        One row per mesh: node count, per-point time and breakdown, Newton iterations.
    """
    t = time.perf_counter()
    run_interphase(graded_nodes(40), [0.1], petsc_log=True)  # compile / load every form
    warmup = time.perf_counter() - t
    rows = []
    for n in nodes:
        cells = max(4, 4 * round((n - 1) / 4))
        res = run_interphase(graded_nodes(cells), VOLTAGES, repeat=repeat, petsc_log=True)
        if res["problems"]:
            raise RuntimeError(f"sweep on {cells + 1} nodes stopped: {res['problems']}")
        its = res["newton_iterations"]
        calls = {k: v[1] for k, v in res["petsc"].items()}
        rows.append({"n_nodes": res["n_nodes"], "unknowns": 3 * res["n_nodes"],
                     "setup_s": res["setup_s"], "sweep_s": res["sweep_s"],
                     "per_point_s": breakdown(res), "newton_per_point": sum(its) / len(its),
                     "newton_total": sum(its), "petsc_calls": calls, "warmup_s": warmup})
    return rows


def report(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Print the table and growth ratios; return the ratios."""
    cols = ("residual", "jacobian", "lu_factor", "lu_solve", "snes_other", "outside_snes")
    print(f"Si p-n diode sweep, {len(VOLTAGES)} biases, serial, warm (fastest sweep)")
    print(f"{'nodes':>7} {'ms/point':>9} {'Newton/pt':>9} {'ms/Newton':>9} "
          + " ".join(f"{c:>12}" for c in cols) + f" {'setup s':>8}")
    for r in rows:
        pp = r["per_point_s"]
        ms_newton = 1e3 * pp["total"] / r["newton_per_point"]
        print(f"{r['n_nodes']:7d} {1e3 * pp['total']:9.2f} {r['newton_per_point']:9.2f} "
              f"{ms_newton:9.3f} " + " ".join(f"{1e3 * pp[c]:12.3f}" for c in cols)
              + f" {r['setup_s']:8.3f}")
    print("(phase columns in ms per bias point; lu_factor = PCSetUp, lu_solve = KSPSolve)")
    ratios = {}
    for a, b in itertools.pairwise(rows):
        key = f"t({b['n_nodes']})/t({a['n_nodes']})"
        ratios[key] = b["per_point_s"]["total"] / a["per_point_s"]["total"]
        print(f"growth {key} = {ratios[key]:.2f}  (nodes x{b['n_nodes'] / a['n_nodes']:.1f})")
    return ratios


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, nargs="+", default=[200, 2000, 20000])
    ap.add_argument("--repeat", type=int, default=2, help="sweeps per mesh (fastest kept)")
    ap.add_argument("--out", help="write results as JSON here")
    args = ap.parse_args(argv)
    rows = run(args.nodes, args.repeat)
    ratios = report(rows)
    if args.out:
        Path(args.out).write_text(json.dumps({"rows": rows, "ratios": ratios}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
