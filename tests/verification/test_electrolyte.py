"""Electrolyte physics against closed forms: Gouy-Chapman, Bazant-Thornton-Ajdari charging.

A symmetric binary salt (z = +-1, c0 = 1e18 cm^-3, D = 1e-8 cm2/s, eps_r = 60) between two ideally
blocking electrodes 1 um apart: Debye length 6.5 nm << half gap 500 nm. The salt's electronic
level sits where a gold electrode has zero charge, so electrons play no part and the
double-layer potential is set by the electrode work function alone (materials.md 7.3, 7.5).
"""

import math

import numpy as np
import pytest

from dolfinx import fem

from solver.case import load_case
from solver.constants import eps0, k_B, q
from solver.device.problem import DeviceProblem
from solver.numerics import compat
from solver.studies.equilibrium import run_equilibrium
from solver.studies.transient import simulate

SALT = """
name = "binary salt cell"
temperature_K = 300.0
[[layers]]
name = "salt"
material = "salt"
thickness_nm = 1000.0
[materials.salt]
base = "LLZTO"
sigma_e_S_per_cm = 0.0
electronic_donors_cm3 = 0.0
chi_eV = 2.1                       # midgap 5.1 eV below vacuum: Au is at zero charge
site_density_cm3 = 0.0             # ideal (Boltzmann) ions, as the closed forms assume
stern_capacitance_uF_per_cm2 = 0.0
[materials.salt.ions.Li]
concentration_cm3 = 1e18
D_cm2_per_s = 1e-8
[materials.salt.ions.X]
z = -1
concentration_cm3 = 1e18
D_cm2_per_s = 1e-8
activation_eV = 0.4
[contacts.left]
kind = "blocking"
workfunction_eV = {wf}
[contacts.right]
kind = "blocking"
metal = "Au"
[study]
kind = "transient"
step_V = {step}
t_end_s = {t_end}
dt_initial_s = 1e-9
"""
C0, D, EPS, T = 1e24, 1e-12, 60.0, 300.0
LAMBDA = math.sqrt(EPS * eps0 * k_B * T / (2 * q**2 * C0))


def problem(write_case, comm, wf=5.1, step=0.002, t_end=0.02):
    case = load_case(write_case(SALT.format(wf=wf, step=step, t_end=t_end)))
    return case, DeviceProblem(case, comm)


def test_gouy_chapman_profile_and_charge(write_case, comm):
    zeta = 0.1  # electrode 0.1 V above the bulk: work function 5.0 eV vs 5.1
    _, pb = problem(write_case, comm, wf=5.0)
    _, bd = run_equilibrium(pb, T)
    if comm.rank != 0:
        return
    VT = k_B * T / q
    x = bd["x_nm"] * 1e-9
    phi = bd["psi_V"] - bd["psi_V"][np.argmin(np.abs(x - 500e-9))]
    assert phi[0] == pytest.approx(zeta, rel=1e-9)
    gc = 4 * VT * np.arctanh(np.tanh(zeta / (4 * VT)) * np.exp(-x / LAMBDA))
    near = x < 3 * LAMBDA
    assert np.max(np.abs(phi[near] - gc[near]) / gc[near]) < 0.01
    half = x <= 500e-9
    rho = q * (bd["c_Li_cm3"] - bd["c_X_cm3"])[half] * 1e6
    xs = x[half]
    q_s = np.sum(0.5 * (rho[1:] + rho[:-1]) * np.diff(xs))  # trapezoid
    expected = -(2 * EPS * eps0 * k_B * T / (q * LAMBDA)) * math.sinh(zeta / (2 * VT))
    assert q_s == pytest.approx(expected, rel=0.01)


def test_bazant_thornton_ajdari_charging_time_and_conservation(write_case, comm):
    L = 500e-9  # half gap
    tau = LAMBDA * L / D
    case, pb = problem(write_case, comm, step=0.002, t_end=5 * tau)
    run_equilibrium(pb, T)
    conc = pb.forms.densities(pb.f)[2]
    amount = {k: compat.assemble_scalar(fem.form(c * pb.dxv), comm)
              for k, c in conc.items()}
    rows = simulate(pb, case.study)
    t = np.array([r["time_s"] for r in rows])
    J = np.array([r["current_density_A_per_cm2"] for r in rows])
    win = (t > tau) & (t < 4 * tau)
    slope = np.polyfit(t[win], np.log(J[win]), 1)[0]
    assert -1 / slope == pytest.approx(tau, rel=0.03)
    # R = 2L / sigma: the initial (post-Debye-time) current is V / R
    sigma = 2 * q**2 * C0 * D / (k_B * T)
    J_early = np.interp(0.01 * tau, t, J) * 1e4
    assert J_early == pytest.approx(0.002 * sigma / (2 * L) * math.exp(-0.01), rel=0.03)
    for k, c in conc.items():
        after = compat.assemble_scalar(fem.form(c * pb.dxv), comm)
        assert abs(after - amount[k]) <= 1e-10 * amount[k]
