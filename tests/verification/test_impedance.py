"""Impedance of a blocking Au / LLZTO / Au cell: bulk intercept = L / (sigma_ion A)."""

import pytest

from helpers import CASES
from solver.case import load_case
from solver.constants import k_B, q
from solver.device.problem import DeviceProblem
from solver.studies.impedance import run_impedance


def test_bulk_intercept_is_ionic_resistance(comm):
    T = 298.0  # the paper's room temperature
    case = load_case(CASES / "pellet_impedance.toml", [
        "study.frequencies_Hz={ start = 1e2, stop = 1e6, per_decade = 4 }"])
    pb = DeviceProblem(case, comm)
    entry, _ = run_impedance(pb, case.study, T)
    ion = case.materials.get("LLZTO").ions[0]
    sigma = q**2 * ion.concentration * ion.diffusivity(T) / (k_B * T)  # S/m
    L_cm = case.layers[0].thickness * 100.0
    R = L_cm / (sigma / 100.0)  # ohm cm2
    assert entry["bulk_resistance_ohm_cm2"] == pytest.approx(R, rel=0.01)
    assert sigma / 100 == pytest.approx(6e-4, rel=0.01)  # the paper's sigma_ion
    assert entry["bulk_resistance_ohm"] == pytest.approx(268.0, rel=0.01)  # paper: 268 ohm
