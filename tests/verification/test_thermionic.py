"""Thermionic emission over a conduction-band spike (n-n isotype heterojunction)."""

import numpy as np
import pytest

from solver.case import load_case
from solver.constants import q, thermal_voltage
from solver.device.problem import DeviceProblem
from solver.studies.equilibrium import run_equilibrium

CASE = """
name = "n-n spike"
temperature_K = 300.0
[[layers]]
name = "a"
material = "Si"
thickness_nm = 100.0
donors_cm3 = 1e18
[[layers]]
name = "b"
material = "Si-low-chi"
thickness_nm = 100.0
donors_cm3 = 1e18
[materials.Si]               # fast diffusion: the interface alone limits the current
mu_n_cm2_per_Vs = 1e5
[materials.Si-low-chi]
base = "Si"
chi_eV = 3.85
[contacts.left]
kind = "ohmic"
[contacts.right]
kind = "ohmic"
[physics]
heterointerface = "{model}"
[study]
kind = "equilibrium"
"""


def conductance(write_case, comm, model):
    pb = DeviceProblem(load_case(write_case(CASE.format(model=model))), comm)
    _, bd = run_equilibrium(pb, 300.0)
    V = 1e-5  # linear response (the next term is V / 2V_T relative)
    pb.set_bias("left", -V)  # electrons flow left -> right over the spike
    assert pb.solve().converged
    return pb, bd, pb.terminal_current("left")["total"] / -V


def test_interface_conductance_is_thermionic(write_case, comm):
    pb, bd, G = conductance(write_case, comm, "thermionic")
    assert len(pb.dm.interfaces) == 1
    st = pb.P.states[1]  # barrier side (smaller affinity)
    vr = st.A_n * 300.0**2 / (q * st.Nc)
    n_top = None
    if comm.rank == 0:
        at = np.isclose(bd["x_nm"], 100.0, atol=1e-3) & (bd["layer"] == 1)
        n_top = bd["n_cm3"][at][0] * 1e6
    n_top = comm.bcast(n_top, root=0)
    G_te = q * vr * n_top / thermal_voltage(300.0)
    assert G == pytest.approx(G_te, rel=0.01)
    # drift-diffusion with continuous quasi-Fermi levels overestimates it by orders
    _, _, G_dd = conductance(write_case, comm, "continuous")
    assert G_dd > 10 * G
