"""Peer agreement: the silicon diode I-V of interphase against DEVSIM on the same mesh.

DEVSIM (extended precision) runs ``benchmarks/peers/devsim_diode.py`` in a subprocess (DEVSIM and
DOLFINx must never share a process) with interphase's own n_i, permittivity, mobilities and
lifetimes, on exactly the node coordinates interphase uses. The test skips when ``import devsim``
fails in a subprocess of this interpreter (``pip install devsim`` into the project venv).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mpi4py import MPI

from helpers import CASES, ROOT
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium

PEER = ROOT / "benchmarks" / "peers" / "devsim_diode.py"
LENGTH, X_JUNCTION = 2e-6, 1e-6
VOLTAGES = [round(-1.0 + 0.05 * i, 10) for i in range(37)]  # -1.0 .. +0.8 V
J_FLOOR = 1e-12  # A/cm^2: compare where |J| is above this
RTOL = 0.01


def graded_nodes(n_cells: int, h_min: float, length: float = LENGTH,
                 x_j: float = X_JUNCTION) -> np.ndarray:
    """Nodes graded geometrically toward both contacts and the junction.

    Each of the four half-layers gets ``n_cells // 4`` cells whose sizes grow by a constant
    ratio (found by bisection) from ``h_min`` at the contact or junction to the half-layer's
    middle; the junction is a node.

    Args:
        n_cells: Number of cells (a multiple of 4).
        h_min: Cell size at the contacts and at the junction (m).
        length: Device length (m).
        x_j: Junction position (m).

    Returns:
        Sorted node coordinates (m), ``n_cells + 1`` of them.
    """
    m = n_cells // 4
    pieces: list[np.ndarray] = []
    for a, b in ((0.0, x_j), (x_j, length)):
        half = 0.5 * (b - a)
        lo, hi = 1.0 + 1e-12, 2.0
        for _ in range(200):  # ratio r with h_min (r^m - 1) / (r - 1) = half
            r = 0.5 * (lo + hi)
            lo, hi = (r, hi) if h_min * (r**m - 1.0) / (r - 1.0) < half else (lo, r)
        t = np.concatenate([[0.0], np.cumsum(h_min * r ** np.arange(m))])
        t *= half / t[-1]
        pieces += [a + t[:-1], b - t[::-1][:-1]]
    return np.concatenate([*pieces, [length]])


def devsim_available() -> tuple[bool, str]:
    """Whether ``import devsim`` works in a subprocess of this interpreter (and why not)."""
    try:
        res = subprocess.run([sys.executable, "-c", "import devsim"], capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return res.returncode == 0, (res.stderr.strip().splitlines() or ["?"])[-1]


@pytest.mark.serial
def test_diode_iv_agrees_with_devsim(tmp_path):
    ok, why = devsim_available()
    if not ok:
        pytest.skip(f"DEVSIM is not importable by {sys.executable} ({why}); "
                    "install it with: .venv/bin/pip install -c .venv/constraints.txt devsim")
    x = graded_nodes(496, 1e-10)
    assert 400 <= x.size <= 600 and np.any(x == X_JUNCTION)

    case = load_case(CASES / "si_pn_diode.toml")
    pb = DeviceProblem(case, MPI.COMM_SELF, nodes=x)
    run_equilibrium(pb, 300.0)
    records, problems = sweep(pb, "left", VOLTAGES, Progress("iv", len(VOLTAGES), rank=1))
    assert not problems

    st = pb.P.states[0]
    assert st.trap_level == 0.0  # DEVSIM's SRH uses n1 = p1 = n_i
    params = {"T_K": 300.0, "eps_r": st.eps_r, "ni_cm3": st.ni * 1e-6,
              "mu_n_cm2_per_Vs": st.mu_n * 1e4, "mu_p_cm2_per_Vs": st.mu_p * 1e4,
              "tau_n_s": st.tau_n, "tau_p_s": st.tau_p, "NA_cm3": 1e17, "ND_cm3": 1e16,
              "x_junction_m": X_JUNCTION}
    case_in, out = tmp_path / "devsim_in.json", tmp_path / "devsim_out.json"
    case_in.write_text(json.dumps({"x_m": x.tolist(), "params": params,
                                   "voltages_V": VOLTAGES, "extended": True}))
    res = subprocess.run([sys.executable, str(PEER), "--json-in", str(case_in),
                          "--out", str(out)], capture_output=True, text=True, timeout=600,
                         cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    peer = json.loads(out.read_text())

    v_ip = np.array([r["voltage_V"] for r in records])
    j_ip = np.array([r["current_density_A_per_cm2"] for r in records])
    order = np.argsort(peer["voltage_V"])
    v_ds = np.asarray(peer["voltage_V"])[order]
    j_ds = np.asarray(peer["current_density_A_per_cm2"])[order]
    np.testing.assert_allclose(v_ip, v_ds, atol=1e-12)

    mask = np.abs(j_ds) > J_FLOOR
    assert mask.sum() == len(VOLTAGES) - 1  # every bias but 0 V
    rel = np.abs(j_ip[mask] - j_ds[mask]) / np.abs(j_ds[mask])
    worst = int(np.argmax(rel))
    summary = (f"{x.size} nodes: worst |J_interphase / J_DEVSIM - 1| = {rel[worst]:.3e} at "
               f"V = {v_ds[mask][worst]:+.2f} V (J = {j_ds[mask][worst]:.4e} A/cm2)")
    print(summary)
    assert rel[worst] < RTOL, summary
    # the same sign convention: positive (into the p contact) in forward bias
    assert np.all(np.sign(j_ip[mask]) == np.sign(v_ds[mask]))
