"""Field-enhanced deep-defect emission (Hurkx tunnelling, Poole-Frenkel) against closed forms.

- The Hurkx enhancement integral ``Gamma = a int_0^1 exp(a u - K u^1.5) du``: the quadrature of
  the solver against adaptive high-precision quadrature over six decades of field and
  ``a = dE/kT`` from 2 to 90, and its small-field limit ``2 sqrt(3 pi) (F/F_G) exp((F/F_G)^2)``.
- In a device: an a-Si p+ / i / n+ diode with mid-gap deep defects in reverse bias is
  generation-limited in its uniformly depleted i-layer, so its current with trap-assisted
  tunnelling is the current without it times ``1 + Gamma(F)`` at the i-layer field (mobilities
  raised so that the generated carriers stay far below n_i, as the fully depleted closed form
  assumes); with Poole-Frenkel emission ``ln J`` rises linearly with ``sqrt(F)`` with the slope
  ``beta_PF / kT``, ``beta_PF = sqrt(q^3/(pi eps0 eps))``.
"""

import math

import mpmath as mp
import numpy as np
import pytest

from solver.case import load_case
from solver.constants import eps0, hbar, k_B, m0, q
from solver.device.problem import DeviceProblem
from solver.device.readout import band_diagram
from solver.physics.tunnelling import hurkx_coefficients, hurkx_gamma_np
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium


def test_hurkx_quadrature_against_adaptive_integral():
    mp.mp.dps = 25
    worst = 0.0
    for a in (2.0, 15.0, 29.0, 60.0, 90.0):
        for K in np.logspace(-2, 4, 25):
            up = min(1.0, (2 * a / (3 * K)) ** 2)
            pts = sorted({0.0, up, min(1.0, 10 * up), 1e-3, 1e-2, 0.1, 1.0})
            exact = float(a * mp.quad(lambda u, a=a, K=K: mp.e ** (a * u - K * u**1.5), pts))
            worst = max(worst, abs(float(hurkx_gamma_np(a, K)) - exact) / (1 + exact))
    assert worst < 1e-4
    assert float(hurkx_gamma_np(0.0, 3.0)) == 0.0  # no tunnelling where a layer has no data


def test_hurkx_small_field_limit():
    T, m, dE = 300.0, 0.25, 0.75 * q
    kT = k_B * T
    F_G = math.sqrt(24 * m * m0 * kT**3) / (q * hbar)
    a, kappa = hurkx_coefficients(dE, m, kT, 1.0)
    for f in (1.5, 2.0):  # F / F_G: the maximum is interior and sharp (Laplace holds there)
        F = f * F_G
        approx = 2 * math.sqrt(3 * math.pi) * f * math.exp(f * f)
        assert float(hurkx_gamma_np(a, kappa / F)) == pytest.approx(approx, rel=0.05)


PIN = """
name = "a-Si p-i-n"
temperature_K = 300.0
[[layers]]
name = "p"
material = "a-Si"
thickness_nm = 10.0
acceptors_cm3 = 1e19
[[layers]]
name = "i"
material = "a-Si"
thickness_nm = 100.0
[[layers]]
name = "n"
material = "a-Si"
thickness_nm = 10.0
donors_cm3 = 1e19
[contacts.left]
kind = "ohmic"
[contacts.right]
kind = "ohmic"
[materials.a-Si]  # mobile carriers: generated carriers leave fast, n, p << n_i everywhere
mu_n_cm2_per_Vs = 1000.0
mu_p_cm2_per_Vs = 1000.0
tau_n_s = 1e-3          # band-tail SRH negligible: the deep defects generate
tau_p_s = 1e-3
defect_density_cm3 = 1e16
defect_level_eV = 0.0
[physics]
{physics}
[study]
kind = "equilibrium"
"""
VOLTS = [-0.5, -1.0, -2.0, -3.0, -4.0]


def reverse_currents(write_case, comm, physics=""):
    case = load_case(write_case(PIN.format(physics=physics)))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    fields = {}

    def keep(V, rec):
        bd = band_diagram(pb)
        if bd is not None:  # cell fields (V/m) and lengths in the i-layer
            i = bd["layer"] == 1
            x, psi = bd["x_nm"][i] * 1e-9, bd["psi_V"][i]
            fields[V] = (np.abs(np.diff(psi) / np.diff(x)), np.diff(x))
    records, problems = sweep(pb, "left", VOLTS, Progress("t", len(VOLTS), rank=1), keep)
    assert not problems
    F = comm.bcast(fields, root=0)
    return {r["voltage_V"]: -r["current_density_A_per_cm2"] for r in records}, F, pb


def test_trap_assisted_tunnelling_multiplies_generation_by_one_plus_gamma(write_case, comm):
    J0, F, pb = reverse_currents(write_case, comm)
    J1, _, _ = reverse_currents(write_case, comm, "trap_assisted_tunnelling = true")
    st = pb.P.states[1]
    kT = k_B * 300.0
    dEn = 0.5 * st.Eg + 0.5 * kT * math.log(st.Nc / st.Nv) - st.defect_level
    an, kn = hurkx_coefficients(dEn, st.tunnelling_mass, kT, 1.0)
    ap, kp = hurkx_coefficients(st.Eg - dEn, st.tunnelling_mass, kT, 1.0)
    ratios = []
    for V in VOLTS:
        E, h = F[V]
        gn = 1 + hurkx_gamma_np(an, kn / E)
        gp = 1 + hurkx_gamma_np(ap, kp / E)
        # fully depleted, mid-gap defects: G = n_i / (tau_t / g_p + tau_t / g_n), cell by cell
        g = 2.0 / (1.0 / gp + 1.0 / gn)
        ratios.append(J1[V] / J0[V] / float(np.sum(g * h) / np.sum(h)))
    assert max(ratios) - 1 < 0.01 and 1 - min(ratios) < 0.01, ratios
    assert J1[VOLTS[-1]] / J0[VOLTS[-1]] > 3  # tunnelling matters at these fields


def test_poole_frenkel_slope(write_case, comm):
    J, F, pb = reverse_currents(write_case, comm, "poole_frenkel = true")
    J0, _, _ = reverse_currents(write_case, comm)
    eps = pb.P.states[1].poole_frenkel_eps_r
    beta = math.sqrt(q**3 / (math.pi * eps0 * eps))
    s = [math.sqrt(np.sum(F[V][0] * F[V][1]) / np.sum(F[V][1])) for V in VOLTS]
    y = [math.log(J[V] / J0[V]) for V in VOLTS]  # the enhancement, generation volume removed
    slope = np.polyfit(s, y, 1)[0]
    assert slope == pytest.approx(beta / (k_B * 300.0), rel=0.03)
    # and ln J itself is linear in sqrt(F) (the Poole-Frenkel plot) at the high fields
    yJ = [math.log(J[V]) for V in VOLTS[2:]]
    fit = np.polyfit(s[2:], yJ, 1)
    assert np.max(np.abs(np.polyval(fit, s[2:]) - yJ)) < 0.05
