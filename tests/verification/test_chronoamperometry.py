"""A day of chronoamperometry ends on the DC-polarisation steady state (the Wagner-Hebb picture)."""

import pytest

from helpers import CASES
from solver.case import load_case
from solver.studies.runner import run_case


def test_chronoamperometry_settles_on_the_dc_leakage_state(comm, shared_tmp):
    tr = run_case(load_case(CASES / "pellet_chronoamperometry.toml"), shared_tmp / "tr", comm)
    dc = run_case(load_case(CASES / "pellet_interphase.toml",
                            ["temperature_K=298.0", "study.reference_without_layers=[]"]),
                  shared_tmp / "dc", comm)
    assert tr["status"] == dc["status"] == "ok"
    leak = dc["leakage"]
    J_dc = leak["current_density_A_per_cm2"][leak["voltage_V"].index(-1.0)]
    J_tr = tr["steady_current_density_A_per_cm2"]
    assert J_tr == pytest.approx(J_dc, rel=1e-6)
    assert tr["effective_conductivity_S_per_cm"] == pytest.approx(
        leak["effective_conductivity_S_per_cm"][leak["voltage_V"].index(-1.0)], rel=1e-6)
    # at the end the current is electronic: ions blocked, double layers charged (the ions'
    # diffusion time across the 2.2 mm pellet, L^2 / D, is ~19 days: at 24 h their current is
    # down to ~1e-4 of the total)
    t = tr["transient"]
    assert abs(t["ionic_A_per_cm2"][-1]) < 1e-3 * abs(J_tr)
    assert abs(t["displacement_A_per_cm2"][-1]) < 1e-6 * abs(J_tr)
    # and at the start it is the ions' (and the dielectric's) charging current, far larger
    assert abs(t["current_density_A_per_cm2"][0]) > 1e3 * abs(J_tr)
    steps = tr["time_stepping"]
    assert steps["failed"] == 0 and steps["steps"] < 400


def test_galvanostatic_li_cell_settles_on_j_times_the_impedance_resistance(comm, shared_tmp):
    """Chronopotentiometry vs impedance of the same Li / LLZTO / Li cell (small current)."""
    J = 1e-5  # A/cm2: 2 mV, the linear regime of Butler-Volmer
    tr = run_case(load_case(CASES / "li_galvanostatic.toml", [f"study.step_A_per_cm2={J}"]),
                  shared_tmp / "galv", comm)
    z = run_case(load_case(CASES / "li_symmetric.toml"), shared_tmp / "z", comm)
    assert tr["status"] == z["status"] == "ok" and tr["control"] == "current"
    t = tr["transient"]
    # the current is held at the set value through every step, charging transients included
    for j in t["current_density_A_per_cm2"]:
        assert j == pytest.approx(J, rel=1e-5)
    assert tr["area_specific_resistance_ohm_cm2"] == pytest.approx(
        z["low_frequency_resistance_ohm_cm2"], rel=1e-3)
    # after the bulk charges (~10 ns) and before the double layers do (~ms): J x R_bulk
    k = min(range(len(t["time_s"])), key=lambda i: abs(t["time_s"][i] - 1e-6))
    assert t["voltage_V"][k] == pytest.approx(J * z["bulk_resistance_ohm_cm2"], rel=1e-2)
