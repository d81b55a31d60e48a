"""Shockley diode law: saturation current (short and long base) and ideality factor."""

import math

import pytest

from helpers import diode_toml
from solver.case import load_case
from solver.constants import eps0, k_B, q, thermal_voltage
from solver.device.problem import DeviceProblem
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium


def run(write_case, comm, thickness_nm, tau, volts, N=1e17, extra=""):
    mats = f"[materials.Si]\ntau_n_s = {tau}\ntau_p_s = {tau}\n{extra}"
    case = load_case(write_case(diode_toml(NA=N, ND=N, thickness_nm=thickness_nm, extra=mats)))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    records, problems = sweep(pb, "left", volts, Progress("t", len(volts), rank=1))
    assert not problems
    return pb, {r["voltage_V"]: r["current_density_A_per_cm2"] * 1e4 for r in records}


def depletion_half_width(N, vbi, V):
    return math.sqrt(2 * 11.7 * eps0 * (vbi - V) * 2 / (q * N)) / 2


def test_short_base_saturation_current_and_unit_ideality(write_case, comm):
    V1, V2 = 0.30, 0.34
    pb, J = run(write_case, comm, 1000.0, 1e-3, [V1, V2])
    st = pb.P.states[0]
    VT = thermal_voltage(300.0)
    N = 1e23
    vbi = VT * math.log(N * N / st.ni**2)
    W = 1e-6 - depletion_half_width(N, vbi, V1)  # quasi-neutral width (m)
    Dn, Dp = st.mu_n * VT, st.mu_p * VT
    J0 = q * st.ni**2 * (Dn / (N * W) + Dp / (N * W))
    assert J[V1] / math.expm1(V1 / VT) == pytest.approx(J0, rel=0.05)
    n = (V2 - V1) / VT / math.log(J[V2] / J[V1])
    assert n == pytest.approx(1.0, abs=0.02)


def test_long_base_saturation_current(write_case, comm):
    V1 = 0.60  # depletion-region recombination < 2 % of the diffusion current here
    tau = 1e-5
    pb, J = run(write_case, comm, 2.5e6, tau, [V1], N=1e17)
    st = pb.P.states[0]
    VT = k_B * 300.0 / q
    N = 1e23
    Ln, Lp = math.sqrt(st.mu_n * VT * tau), math.sqrt(st.mu_p * VT * tau)
    assert 2.5e-3 > 10 * max(Ln, Lp)  # long base: layers >> diffusion lengths
    J0 = q * st.ni**2 * (st.mu_n * VT / (N * Ln) + st.mu_p * VT / (N * Lp))
    assert J[V1] / math.expm1(V1 / VT) == pytest.approx(J0, rel=0.05)


def test_srh_in_depletion_region_gives_ideality_near_two(write_case, comm):
    """Sah-Noyce-Shockley: recombination through mid-gap traps in the depletion region gives
    J ~ exp(V / 2V_T) times a prefactor that falls slowly with V (the depletion width shrinks),
    so the local ideality sits a little below 2."""
    V1, V2 = 0.10, 0.14
    _, J = run(write_case, comm, 1000.0, 1e-10, [V1, V2])
    n = (V2 - V1) / thermal_voltage(300.0) / math.log(J[V2] / J[V1])
    assert 1.75 < n < 2.05
