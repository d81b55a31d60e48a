"""Hebb-Wagner polarisation: Li (reversible) | mixed conductor | Au (ion-blocking).

Steady state with the blocking electrode at +U (materials.md 7.4):
    I = (kT / (q L)) [sigma_e0 (1 - exp(-qU/kT)) + sigma_h0 (exp(qU/kT) - 1)]
with sigma_e0, sigma_h0 the electronic conductivities in equilibrium with Li. The ions (here
1e20 cm^-3, far above the electronic carriers) keep the bulk neutral and field-free, so electrons
and holes move by diffusion alone; the test checks the coupled model reproduces that.
"""

import math

import pytest

from solver.case import load_case
from solver.constants import k_B, q
from solver.device.problem import DeviceProblem
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium

CASE = """
name = "Hebb-Wagner cell"
temperature_K = 300.0
[[layers]]
name = "mixed"
material = "mixed"
thickness_nm = 10000.0
[materials.mixed]
base = "LLZTO"
sigma_e_S_per_cm = 0.0             # use the mobilities below
electronic_donors_cm3 = 0.0        # intrinsic: n0 = p0 = n_i
chi_eV = 4.0
Eg_eV = 1.2
Nc_cm3 = 1e19
Nv_cm3 = 1e19
mu_n_cm2_per_Vs = 0.02
mu_p_cm2_per_Vs = 0.005
site_density_cm3 = 0.0
stern_capacitance_uF_per_cm2 = 0.0
[materials.mixed.ions.Li]
concentration_cm3 = 1e20
D_cm2_per_s = 1e-7
[contacts.left]                    # reversible for Li+ (fast Butler-Volmer) and electrons
kind = "li_metal"
workfunction_eV = 4.6              # at the electrolyte's equilibrium electronic level
exchange_current_density_A_per_cm2 = 1.0
[contacts.right]                   # blocks Li+, exchanges electrons and holes
kind = "blocking"
workfunction_eV = 4.6
[study]
kind = "iv"
contact = "right"
voltages_V = [-0.05, 0.05, 0.1]
[solver]
bias_step_V = 0.01
"""


def test_hebb_wagner_current(write_case, comm):
    case = load_case(write_case(CASE))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    st = pb.P.states[0]
    sig_e, sig_p = q * st.mu_n * st.ni, q * st.mu_p * st.ni
    records, problems = sweep(pb, "right", [-0.05, 0.05, 0.1], Progress("hw", 3, rank=1))
    assert not problems
    VT = k_B * 300.0 / q
    L = 10e-6
    for r in records:
        U = r["voltage_V"]
        expected = VT / L * (sig_e * (1 - math.exp(-U / VT)) + sig_p * (math.exp(U / VT) - 1))
        assert r["current_density_A_per_cm2"] * 1e4 == pytest.approx(expected, rel=0.02), U
        assert abs(r["ionic_current_density_A_per_cm2"]) < 1e-6 * abs(
            r["current_density_A_per_cm2"])
