"""Units by key name, both ways."""

import pytest

from solver.units import from_si, in_key_units, per_si, split_key, to_si


def test_round_trip_by_key_name():
    for key, value in [("thickness_nm", 10.0), ("donors_cm3", 1e18), ("Eg_eV", 1.12),
                       ("current_density_A_per_cm2", 3e-7), ("series_resistance_ohm_cm2", 20.0)]:
        unit = split_key(key)[1]
        assert from_si(to_si(value, unit), unit) == pytest.approx(value, rel=1e-15)
        assert to_si(value, unit) * per_si(key) == pytest.approx(value, rel=1e-15)


def test_outputs_take_the_unit_of_their_key():
    out = in_key_units(voltage_V=0.5, current_density_A_per_cm2=1e4,
                       capacitance_uF_per_cm2=1e-2, thickness_cm=1e-2)
    assert out == pytest.approx({"voltage_V": 0.5, "current_density_A_per_cm2": 1.0,
                                 "capacitance_uF_per_cm2": 1.0, "thickness_cm": 1.0})
    assert per_si("newton_iterations") == 1.0
