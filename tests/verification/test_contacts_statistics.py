"""Schottky contact (thermionic-diffusion theory), Fermi-Dirac statistics, incomplete ionisation."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from solver.case import load_case
from solver.constants import k_B, q, thermal_voltage
from solver.device.problem import DeviceProblem
from solver.device.readout import band_diagram
from solver.physics.statistics import fd_half_np
from solver.studies.equilibrium import run_equilibrium

ONE_LAYER = """
name = "one layer"
temperature_K = {T}
[[layers]]
name = "a"
material = "{mat}"
thickness_nm = {t}
donors_cm3 = {ND}
[contacts.left]
kind = "{left}"
{metal}
[contacts.right]
kind = "ohmic"
[physics]
statistics = "{stats}"
incomplete_ionisation = {inc}
[study]
kind = "equilibrium"
"""


def make(write_case, comm, **kw):
    args = dict(T=300.0, mat="Si", t=2000.0, ND=1e16, left="ohmic", metal="", stats="boltzmann",
                inc="false")
    args.update(kw)
    case = load_case(write_case(ONE_LAYER.format(**args)))
    return DeviceProblem(case, comm)


def test_schottky_reverse_current_is_thermionic_diffusion(write_case, comm):
    """Crowell-Sze: J = -A* T^2 exp(-phi_B / kT) / (1 + v_r / v_d), v_d = mu E at the contact."""
    pb = make(write_case, comm, left="schottky", metal='workfunction_eV = 4.75')
    run_equilibrium(pb, 300.0)
    for V in np.linspace(0, -0.5, 11)[1:]:  # metal / n-Si: reverse bias = metal negative
        pb.set_bias("left", float(V))
        assert pb.solve().converged
    J = pb.terminal_current("left")["total"]
    st = pb.P.states[0]
    kT = k_B * 300.0
    phi_b = 4.75 * q - st.chi
    vr = st.A_n * 300.0**2 / (q * st.Nc)
    bd = band_diagram(pb)
    if comm.rank == 0:
        E = (bd["psi_V"][1] - bd["psi_V"][0]) / ((bd["x_nm"][1] - bd["x_nm"][0]) * 1e-9)
        vd = st.mu_n * abs(E)
        expected = -st.A_n * 300.0**2 * math.exp(-phi_b / kT) / (1 + vr / vd)
        assert J == pytest.approx(expected, rel=0.02)


def test_fermi_dirac_degenerate_bulk(write_case, comm):
    """n = N_D in a degenerate TiO2 bulk: E_F - E_c from the inverse of F_1/2, not Boltzmann."""
    ND = 2e20
    pb = make(write_case, comm, mat="TiO2", ND=ND, t=200.0, stats="fermi-dirac")
    run_equilibrium(pb, 300.0)
    bd = band_diagram(pb)
    if comm.rank == 0:
        st = pb.P.states[0]
        eta = brentq(lambda e: st.Nc * fd_half_np(e) - ND * 1e6, -10, 50)
        mid = np.argmin(np.abs(bd["x_nm"] - 100.0))
        assert bd["n_cm3"][mid] == pytest.approx(ND, rel=1e-6)
        # energies are relative to E_F: E_c = -(E_F - E_c) = -eta kT
        assert bd["Ec_eV"][mid] == pytest.approx(-eta * thermal_voltage(300.0), abs=1e-4)
        assert eta > 1.0  # degenerate: E_F well above E_c


def test_incomplete_ionisation_bulk_density(write_case, comm):
    """Neutral bulk: n = N_D+ = N_D / (1 + g_D (n / Nc) exp(E_D / kT)), a quadratic in n."""
    ND = 1e18
    T = 200.0
    pb = make(write_case, comm, ND=ND, T=T, inc="true", t=1000.0)
    run_equilibrium(pb, T)
    bd = band_diagram(pb)
    if comm.rank == 0:
        st = pb.P.states[0]
        a = st.g_D * math.exp(st.donor_level / (k_B * T)) / st.Nc
        n = (-1 + math.sqrt(1 + 4 * a * ND * 1e6)) / (2 * a)
        mid = np.argmin(np.abs(bd["x_nm"] - 500.0))
        assert bd["n_cm3"][mid] * 1e6 == pytest.approx(n, rel=1e-6)
        assert n < 0.9 * ND * 1e6  # substantially un-ionised at 200 K
