"""DEVSIM reference for a 1D silicon p-n diode (peer benchmark for interphase).

Run with the DEVSIM venv: ``/work/venvs/devsim/bin/python devsim_diode.py [--double]
[--out res.json]`` for the demo case, or ``--json-in case.json --out res.json`` where
case.json holds ``{"x_m": [...], "params": {...}, "voltages_V": [...], "extended": true}``.
Units inside DEVSIM are cm, V, A, s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

import devsim as ds
import numpy as np
from scipy import constants as sc

DEV, REG = "diode", "si"
CONTACTS = ("left", "right")
ECE, HCE, PE = "ElectronContinuityEquation", "HoleContinuityEquation", "PotentialEquation"


def _node(name: str, expr: str, wrt: Sequence[str] = ()) -> None:
    """Create a node model and its symbolic derivatives w.r.t. ``wrt``."""
    ds.node_model(device=DEV, region=REG, name=name, equation=expr)
    for v in wrt:
        ds.node_model(device=DEV, region=REG, name=f"{name}:{v}",
                      equation=f"simplify(diff({expr}, {v}))")


def _edge(name: str, expr: str, wrt: Sequence[str] = ()) -> None:
    """Create an edge model and its derivatives w.r.t. ``v@n0`` and ``v@n1``."""
    ds.edge_model(device=DEV, region=REG, name=name, equation=expr)
    for v in wrt:
        for end in ("n0", "n1"):
            ds.edge_model(device=DEV, region=REG, name=f"{name}:{v}@{end}",
                          equation=f"simplify(diff({expr}, {v}@{end}))")


def _contact(contact: str, name: str, expr: str, var: str) -> None:
    """Create a contact node model ``name`` = ``expr`` with d/d``var`` = 1."""
    ds.contact_node_model(device=DEV, contact=contact, name=name, equation=expr)
    ds.contact_node_model(device=DEV, contact=contact, name=f"{name}:{var}", equation="1")


def _solution(name: str) -> None:
    """Create a node solution variable and its edge projections."""
    ds.node_solution(device=DEV, region=REG, name=name)
    ds.edge_from_node_model(device=DEV, region=REG, node_model=name)


def _setup(x_m: np.ndarray, p: dict[str, float], extended: bool) -> None:
    """Build mesh, parameters and the equilibrium Poisson problem."""
    ds.reset_devsim()
    for key in ("extended_solver", "extended_model", "extended_equation"):
        ds.set_parameter(name=key, value=bool(extended))
    x_cm = np.asarray(x_m, dtype=float) * 100.0
    n = x_cm.size
    coords = np.column_stack([x_cm, np.zeros(n), np.zeros(n)]).ravel().tolist()
    elements: list[int] = []
    for i in range(n - 1):
        elements += [1, 0, i, i + 1]
    elements += [0, 1, 0, 0, 2, n - 1]
    ds.create_gmsh_mesh(mesh="m", coordinates=coords, elements=elements,
                        physical_names=[REG, *CONTACTS])
    ds.add_gmsh_region(mesh="m", gmsh_name=REG, region=REG, material="Si")
    for c in CONTACTS:
        ds.add_gmsh_contact(mesh="m", gmsh_name=c, name=c, region=REG, material="metal")
    ds.finalize_mesh(mesh="m")
    ds.create_device(mesh="m", device=DEV)

    vt = sc.k * p["T_K"] / sc.e
    ni = p["ni_cm3"]
    values = {"q": sc.e, "eps": p["eps_r"] * sc.epsilon_0 * 1e-2, "V_t": vt, "n_i": ni,
              "mu_n": p["mu_n_cm2_per_Vs"], "mu_p": p["mu_p_cm2_per_Vs"],
              "taun": p["tau_n_s"], "taup": p["tau_p_s"]}
    for k, v in values.items():
        ds.set_parameter(device=DEV, region=REG, name=k, value=v)

    # abrupt junction; the caller puts a node exactly on x_junction_m. That node's box holds
    # half a cell of each side, so it gets their length-weighted mean doping (the exact
    # dopant charge of its box, as cell-wise doping gives in interphase); putting N_D on the
    # whole box adds (N_A + N_D) h / 2 of charge and shifts J by O(h) (3.7e-4 at h = 1 nm)
    x = np.asarray(x_m, dtype=float)
    tol = 1e-9 * float(x[-1] - x[0])
    net = np.where(x >= p["x_junction_m"] - tol, p["ND_cm3"], -p["NA_cm3"])
    j = int(np.argmin(np.abs(x - p["x_junction_m"])))
    if 0 < j < n - 1 and abs(x[j] - p["x_junction_m"]) <= tol:
        h_l, h_r = x[j] - x[j - 1], x[j + 1] - x[j]
        net[j] = (p["ND_cm3"] * h_r - p["NA_cm3"] * h_l) / (h_l + h_r)
    _solution("NetDoping")
    ds.set_node_values(device=DEV, region=REG, name="NetDoping", values=net.tolist())
    psi_eq = vt * np.arcsinh(net / (2.0 * ni))  # charge-neutral, intrinsic-level reference

    # ohmic contacts: neutral equilibrium densities, potential = psi_eq + bias
    for c, idx in zip(CONTACTS, (0, n - 1), strict=True):
        nd = float(net[idx])
        maj = 0.5 * (abs(nd) + math.sqrt(nd * nd + 4.0 * ni * ni))
        n0, p0 = (maj, ni * ni / maj) if nd > 0 else (ni * ni / maj, maj)
        for k, v in ((f"{c}_bias", 0.0), (f"{c}_psi0", float(psi_eq[idx])),
                     (f"{c}_n0", n0), (f"{c}_p0", p0)):
            ds.set_parameter(device=DEV, name=k, value=v)

    _solution("Potential")
    ds.set_node_values(device=DEV, region=REG, name="Potential", values=psi_eq.tolist())
    _node("n_eq", "n_i*exp(Potential/V_t)", ["Potential"])
    _node("p_eq", "n_i*exp(-Potential/V_t)", ["Potential"])
    _node("rho_eq", "-q*(p_eq - n_eq + NetDoping)", ["Potential"])
    _edge("EField", "(Potential@n0 - Potential@n1)*EdgeInverseLength", ["Potential"])
    _edge("DField", "eps*EField", ["Potential"])
    ds.equation(device=DEV, region=REG, name=PE, variable_name="Potential",
                node_model="rho_eq", edge_model="DField", variable_update="log_damp")
    for c in CONTACTS:
        _contact(c, f"{c}_psi_bc", f"Potential - {c}_psi0 - {c}_bias", "Potential")
        ds.contact_equation(device=DEV, contact=c, name=PE, node_model=f"{c}_psi_bc",
                            edge_charge_model="DField")


def _setup_drift_diffusion() -> None:
    """Add carrier solutions, SG currents, SRH and continuity equations."""
    for name, init in (("Electrons", "n_eq"), ("Holes", "p_eq")):
        _solution(name)
        ds.set_node_values(device=DEV, region=REG, name=name, init_from=init)
    np_vars = ["Electrons", "Holes"]
    _node("rho", "-q*(Holes - Electrons + NetDoping)", np_vars)
    _node("USRH", "(Electrons*Holes - n_i^2)/(taup*(Electrons + n_i) + taun*(Holes + n_i))",
          np_vars)
    _node("Gn", "-q*USRH", np_vars)
    _node("Gp", "q*USRH", np_vars)
    dv = "((Potential@n0 - Potential@n1)/V_t)"  # Scharfetter-Gummel, current n0 -> n1
    jn = f"q*mu_n*V_t*EdgeInverseLength*(Electrons@n1*B(-{dv}) - Electrons@n0*B({dv}))"
    jp = f"q*mu_p*V_t*EdgeInverseLength*(Holes@n0*B(-{dv}) - Holes@n1*B({dv}))"
    _edge("Jn", jn, ["Potential", "Electrons"])
    _edge("Jp", jp, ["Potential", "Holes"])
    ds.equation(device=DEV, region=REG, name=PE, variable_name="Potential",
                node_model="rho", edge_model="DField", variable_update="log_damp")
    for eq, var, gen, cur in ((ECE, "Electrons", "Gn", "Jn"), (HCE, "Holes", "Gp", "Jp")):
        ds.equation(device=DEV, region=REG, name=eq, variable_name=var, node_model=gen,
                    edge_model=cur, variable_update="positive")
        for c in CONTACTS:
            tag = f"{c}_{'n' if var == 'Electrons' else 'p'}"
            _contact(c, f"{tag}_bc", f"{var} - {tag}0", var)
            ds.contact_equation(device=DEV, contact=c, name=eq, node_model=f"{tag}_bc",
                                edge_current_model=cur)


def _solve(rel: float, abs_: float, max_iter: int = 40) -> tuple[bool, int]:
    """One DC Newton solve; returns (converged, iterations). Restores on failure."""
    try:
        info = ds.solve(type="dc", absolute_error=abs_, relative_error=rel,
                        maximum_iterations=max_iter, info=True)
    except ds.error:
        return False, max_iter
    return bool(info["converged"]), len(info["iterations"])


def _current() -> float:
    """Total current density (A/cm^2) flowing into the device at the left contact."""
    j = sum(ds.get_contact_current(device=DEV, contact="left", equation=e) for e in (ECE, HCE))
    return float(j)  # DEVSIM's contact current is positive into the device


def run_devsim(x_m: np.ndarray, params: dict[str, float], voltages_V: Sequence[float],
               extended: bool = True) -> dict[str, Any]:
    """Simulate the diode I-V with DEVSIM.

    Args:
        x_m: Sorted node coordinates in metres from 0 to L; a node lies on the junction.
        params: Physical parameters (SI names, cm-based densities): ``T_K``, ``eps_r``,
            ``ni_cm3``, ``mu_n_cm2_per_Vs``, ``mu_p_cm2_per_Vs``, ``tau_n_s``,
            ``tau_p_s``, ``NA_cm3``, ``ND_cm3``, ``x_junction_m``. Optional numerics:
            ``rel_error`` (1e-10), ``abs_error`` (1e10), ``max_step_V`` (0.1),
            ``min_step_V`` (1e-4).
        voltages_V: Left-contact biases in sweep order, reached by ramping from 0 V.
        extended: Use DEVSIM's extended (float128) model/equation/solver precision.

    Returns:
        Dict with ``voltage_V``, ``current_density_A_per_cm2`` (positive = into the
        device at the left contact), ``newton_iterations`` (summed over sub-steps,
        failed attempts included),
        ``substeps``, ``wall_time_s`` (sweep only), ``setup_time_s`` and ``extended``.

    Raises:
        RuntimeError: If a solve fails even at the minimum ramp step.
    """
    rel, abs_ = params.get("rel_error", 1e-10), params.get("abs_error", 1e10)
    max_step, min_step = params.get("max_step_V", 0.1), params.get("min_step_V", 1e-4)
    t0 = time.perf_counter()
    _setup(np.asarray(x_m, dtype=float), params, extended)
    if not _solve(1e-12, 1e-12, 60)[0]:
        raise RuntimeError("equilibrium Poisson solve failed")
    _setup_drift_diffusion()
    if not _solve(rel, abs_, 60)[0]:
        raise RuntimeError("drift-diffusion solve at 0 V failed")
    setup_time = time.perf_counter() - t0

    out: dict[str, Any] = {"voltage_V": [], "current_density_A_per_cm2": [],
                           "newton_iterations": [], "substeps": [], "extended": extended}
    v_now, t1 = 0.0, time.perf_counter()
    for target in voltages_V:
        step, iters, nsub = max_step, 0, 0
        while v_now != target:
            gap = target - v_now
            v_next = target if abs(gap) <= step * (1 + 1e-9) else v_now + math.copysign(step, gap)
            ds.set_parameter(device=DEV, name="left_bias", value=float(v_next))
            ok, it = _solve(rel, abs_)
            iters, nsub = iters + it, nsub + 1
            if ok:
                v_now, step = v_next, min(2.0 * step, max_step)
            else:
                ds.set_parameter(device=DEV, name="left_bias", value=float(v_now))
                step *= 0.5
                if step < min_step:
                    raise RuntimeError(f"ramp to {target} V failed at {v_now} V")
        if nsub == 0:  # repeated bias: re-solve to report a Newton count
            iters, nsub = _solve(rel, abs_)[1], 1
        out["voltage_V"].append(float(target))
        out["current_density_A_per_cm2"].append(_current())
        out["newton_iterations"].append(iters)
        out["substeps"].append(nsub)
    out["wall_time_s"] = time.perf_counter() - t1
    out["setup_time_s"] = setup_time
    return out


def geometric_mesh(length_m: float, x_j_m: float, n_cells: int, h_min_m: float) -> np.ndarray:
    """Mesh refined geometrically towards both contacts and the junction.

    Args:
        length_m: Device length L.
        x_j_m: Junction position (becomes a node).
        n_cells: Total number of cells (a multiple of 4).
        h_min_m: Cell size at the contacts and at the junction.

    Returns:
        Sorted node coordinates (n_cells + 1 nodes).
    """
    m = n_cells // 4
    pieces = []
    for a, b in ((0.0, x_j_m), (x_j_m, length_m)):
        half = 0.5 * (b - a)
        lo, hi = 1.0 + 1e-12, 2.0  # bisection for ratio r: h_min (r^m - 1)/(r - 1) = half
        for _ in range(200):
            r = 0.5 * (lo + hi)
            lo, hi = (r, hi) if h_min_m * (r**m - 1.0) / (r - 1.0) < half else (lo, r)
        t = np.concatenate([[0.0], np.cumsum(h_min_m * r ** np.arange(m))])
        t *= half / t[-1]  # m cells from a (or b) to the segment midpoint
        pieces += [a + t[:-1], [0.5 * (a + b)], b - t[::-1][1:-1]]
    return np.concatenate([*pieces, [length_m]])


def shockley_short_base(params: dict[str, float], v: float, length_m: float) -> float:
    """Ideal diffusion current with short-base (coth) and depletion-width corrections.

    Args:
        params: Same parameter dict as :func:`run_devsim`.
        v: Applied bias at the p (left) contact in volts.
        length_m: Device length L (contacts at 0 and L).

    Returns:
        J in A/cm^2 (positive in forward bias); excludes SRH in the depletion region.
    """
    vt = sc.k * params["T_K"] / sc.e
    ni, na, nd = params["ni_cm3"], params["NA_cm3"], params["ND_cm3"]
    eps = params["eps_r"] * sc.epsilon_0 * 1e-2
    vbi = vt * math.log(na * nd / ni**2)
    w = math.sqrt(2 * eps * max(vbi - v, 0.0) / sc.e * (1 / na + 1 / nd))
    wp = params["x_junction_m"] * 100 - w * nd / (na + nd)
    wn = (length_m - params["x_junction_m"]) * 100 - w * na / (na + nd)
    j0 = 0.0
    for mu, tau, dop, width in ((params["mu_n_cm2_per_Vs"], params["tau_n_s"], na, wp),
                                (params["mu_p_cm2_per_Vs"], params["tau_p_s"], nd, wn)):
        diff_len = math.sqrt(mu * vt * tau)
        j0 += mu * vt / (dop * diff_len * math.tanh(width / diff_len))
    return sc.e * ni**2 * j0 * math.expm1(v / vt)


def _demo() -> tuple[np.ndarray, dict[str, float], list[float]]:
    """The standard 2 um Si diode case (NA=1e17 | ND=1e16, 300 K)."""
    t = 300.0
    ni = math.sqrt(2.8e19 * 1.04e19) * math.exp(-1.12 * sc.e / (2 * sc.k * t))
    params = {"T_K": t, "eps_r": 11.7, "ni_cm3": ni,
              "mu_n_cm2_per_Vs": 1400.0, "mu_p_cm2_per_Vs": 450.0, "tau_n_s": 1e-7,
              "tau_p_s": 1e-7, "NA_cm3": 1e17, "ND_cm3": 1e16, "x_junction_m": 1e-6}
    x = geometric_mesh(2e-6, 1e-6, 2000, 1e-10)
    volts = [round(-1.0 + 0.05 * i, 10) for i in range(37)]  # 0 -> -1 ramp, then ascending
    return x, params, volts


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json-in", help="case file with x_m, params, voltages_V, extended")
    ap.add_argument("--out", help="write result JSON here")
    ap.add_argument("--double", action="store_true", help="demo: plain double precision")
    ap.add_argument("--verbose", action="store_true", help="show DEVSIM solver output")
    args = ap.parse_args(argv)
    if args.json_in:
        with open(args.json_in, encoding="utf-8") as fh:
            case = json.load(fh)
        x, params, volts = np.asarray(case["x_m"]), case["params"], case["voltages_V"]
        extended = bool(case.get("extended", True))
    else:
        (x, params, volts), extended = _demo(), not args.double
    sink = contextlib.nullcontext() if args.verbose else contextlib.redirect_stdout(io.StringIO())
    with sink:
        res = run_devsim(x, params, volts, extended=extended)
    res["n_nodes"], res["params"] = len(x), params
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=1)
    if not args.json_in:
        print(f"ni = {params['ni_cm3']:.6e} cm^-3")
        print(f"{'V [V]':>8} {'J [A/cm2]':>14} {'J_shockley':>14} {'Newton':>6} {'sub':>4}")
        for row in zip(res["voltage_V"], res["current_density_A_per_cm2"],
                       res["newton_iterations"], res["substeps"], strict=True):
            js = shockley_short_base(params, row[0], float(x[-1]))
            print(f"{row[0]:8.3f} {row[1]:14.6e} {js:14.6e} {row[2]:6d} {row[3]:4d}")
        print(f"nodes {len(x)}  extended {extended}  setup {res['setup_time_s']:.3f} s  "
              f"sweep {res['wall_time_s']:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
