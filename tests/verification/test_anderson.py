"""Abrupt p-Si / n-TiO2 heterojunction against the Anderson model (materials.md 7.1)."""

import math

import numpy as np
import pytest

from solver.case import load_case
from solver.constants import k_B, q
from solver.device.problem import DeviceProblem
from solver.studies.equilibrium import run_equilibrium

CASE = """
name = "anderson"
temperature_K = 300.0
[[layers]]
name = "p-Si"
material = "Si"
thickness_nm = 2000.0
acceptors_cm3 = {NA}
[[layers]]
name = "n-TiO2"
material = "TiO2"
thickness_nm = 2000.0
donors_cm3 = {ND}
[contacts.left]
kind = "ohmic"
[contacts.right]
kind = "ohmic"
[study]
kind = "equilibrium"
"""


@pytest.mark.parametrize("NA, ND", [(1e17, 1e17), (1e18, 1e17), (1e16, 1e18)])
def test_built_in_potential_and_band_offsets(write_case, comm, NA, ND):
    case = load_case(write_case(CASE.format(NA=NA, ND=ND)))
    pb = DeviceProblem(case, comm)
    entry, bd = run_equilibrium(pb, 300.0)
    si, tio2 = pb.P.states
    kT = k_B * 300.0
    dn = kT * math.log(tio2.Nc / (ND * 1e6))
    dp = kT * math.log(si.Nv / (NA * 1e6))
    vbi = ((si.chi + si.Eg - dp) - (tio2.chi + dn)) / q
    assert entry["built_in_potential_V"] == pytest.approx(vbi, abs=2e-3)
    if comm.rank == 0:
        x0 = 2000.0
        at = np.isclose(bd["x_nm"], x0)
        ec = {int(k): e for k, e in zip(bd["layer"][at], bd["Ec_eV"][at])}
        ev = {int(k): e for k, e in zip(bd["layer"][at], bd["Ev_eV"][at])}
        assert ec[0] - ec[1] == pytest.approx((tio2.chi - si.chi) / q, abs=1e-12)
        assert ev[0] - ev[1] == pytest.approx((tio2.chi + tio2.Eg - si.chi - si.Eg) / q,
                                              abs=1e-12)
