"""p-n homojunction at equilibrium against closed forms (depletion approximation)."""

import math

import numpy as np
import pytest

from helpers import diode_toml
from solver.case import load_case
from solver.constants import eps0, q, thermal_voltage
from solver.device.problem import DeviceProblem
from solver.studies.equilibrium import run_equilibrium


@pytest.mark.parametrize("NA, ND, T", [(1e17, 1e16, 300.0), (1e18, 1e18, 300.0),
                                       (1e16, 1e17, 350.0)])
def test_built_in_potential_depletion_width_and_peak_field(write_case, comm, NA, ND, T):
    case = load_case(write_case(diode_toml(NA=NA, ND=ND, temperature=T)))
    pb = DeviceProblem(case, comm)
    entry, bd = run_equilibrium(pb, T)
    ni = pb.P.states[0].ni
    VT = thermal_voltage(T)
    vbi = VT * math.log(NA * ND * 1e12 / ni**2)
    assert abs(entry["built_in_potential_V"] - vbi) < 1e-3
    if comm.rank != 0:
        return
    eps = 11.7 * eps0
    Na, Nd = NA * 1e6, ND * 1e6
    W = math.sqrt(2 * eps * (vbi - 2 * VT) * (Na + Nd) / (q * Na * Nd))
    Emax = math.sqrt(2 * q * (vbi - 2 * VT) * Na * Nd / (eps * (Na + Nd)))
    x = bd["x_nm"] * 1e-9
    xp = np.interp(0.5 * NA, bd["p_cm3"][::-1], x[::-1])  # p falls through NA/2
    xn = np.interp(0.5 * ND, bd["n_cm3"], x)
    assert xn - xp == pytest.approx(W, rel=0.05)
    field = np.abs(np.diff(bd["psi_V"]) / np.maximum(np.diff(x), 1e-30))
    assert field.max() == pytest.approx(Emax, rel=0.05)


def test_equilibrium_has_zero_current_and_flat_fermi_levels(write_case, comm):
    case = load_case(write_case(diode_toml()))
    pb = DeviceProblem(case, comm)
    _, bd = run_equilibrium(pb, 300.0)
    J = pb.terminal_current("left")
    assert abs(J["total"]) == 0.0 or abs(J["total"]) < 1e-20
    if comm.rank == 0:
        assert np.max(np.abs(bd["Efn_eV"])) < 1e-12
        assert np.max(np.abs(bd["Efp_eV"])) < 1e-12
