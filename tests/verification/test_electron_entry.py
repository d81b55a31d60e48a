"""Electron entry into the electrolyte (2D): conservation, a uniform slab, a grain-boundary spot."""

import pytest

from helpers import CASES
from solver.case import load_case
from solver.studies.runner import run_case

SMALL = ('geometry.parameters={thickness_nm = 300.0, width_nm = 300.0, gb_width_nm = 10.0, '
         'h_min_nm = 6.0, h_max_nm = 40.0}')


def run(comm, out, sets):
    case = load_case(CASES / "grain_boundary_2d.toml", [SMALL, *sets])
    s = run_case(case, out, comm)
    assert s["status"] == "ok"
    e = s["per_temperature"][0]
    return e, e["electron_entry"]["-1V"]


def test_uniform_slab_has_uniform_entry_equal_to_the_terminal_current(comm, shared_tmp):
    e, entry = run(comm, shared_tmp / "uniform", ['materials.LLZTO-gb.sigma_e_S_per_cm=3.25e-8'])
    J = e["leakage"]["current_density_A_per_cm2"][e["leakage"]["voltage_V"].index(-1.0)]
    left, right = entry["left"], entry["right"]  # -1 V on the left: electrons enter there
    assert left["mean_A_per_cm2"] > 0 > right["mean_A_per_cm2"]
    assert left["peak_to_mean"] == pytest.approx(1.0, abs=0.02)
    # conservation: what enters at the cathode leaves at the anode and is the terminal current
    assert -right["mean_A_per_cm2"] == pytest.approx(left["mean_A_per_cm2"], rel=1e-2)
    assert left["mean_A_per_cm2"] == pytest.approx(-J, rel=1e-2)
    # the volume-averaged electron current along the stack (the 1D leakage read-out) agrees
    Jn = e["leakage"]["electron_current_density_A_per_cm2"][e["leakage"]["voltage_V"].index(-1.0)]
    assert Jn == pytest.approx(-J, rel=1e-2)


def test_grain_boundary_is_the_entry_hot_spot(comm, shared_tmp):
    e, entry = run(comm, shared_tmp / "gb", [])
    left = entry["left"]
    x_peak, y_peak = left["peak_at_nm"]
    assert abs(x_peak - 150.0) <= 10.0 and y_peak == pytest.approx(300.0)
    assert left["peak_to_mean"] > 10.0
    # the reverse polarity moves the spot to the other electrode
    right = e["electron_entry"]["+1V"]["right"]
    assert abs(right["peak_at_nm"][0] - 150.0) <= 10.0 and right["peak_to_mean"] > 10.0
