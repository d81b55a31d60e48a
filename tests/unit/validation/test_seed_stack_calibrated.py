"""The demo's seed stack carries the committed calibrated parameter set (no drift)."""

import pytest

from helpers import CASES
from solver.case import load_case
from solver.validation.calibration import read_overrides
from solver.validation.experiments import applicable


def test_seed_stack_equals_the_calibrated_set():
    path = CASES / "seed_stack.toml"
    sets = applicable(path, read_overrides(CASES / "validation" / "calibrated.toml"))
    assert len(sets) >= 9  # the layers, materials, contact and physics of the set all apply
    plain, calibrated = load_case(path), load_case(path, sets)
    assert plain.physics == calibrated.physics
    for a, b in zip(plain.layers, calibrated.layers, strict=True):
        assert a.donors == pytest.approx(b.donors, rel=1e-5)
        assert a.acceptors == pytest.approx(b.acceptors, rel=1e-5)
        ma, mb = plain.materials.get(a.material), calibrated.materials.get(b.material)
        for f in ("tau_n", "tau_p", "trap_level", "defect_density", "defect_level", "chi",
                  "sigma_e"):
            if hasattr(ma, f):
                assert getattr(ma, f) == pytest.approx(getattr(mb, f), rel=1e-5, abs=1e-30), f
    for name, c in plain.contacts.items():
        d = calibrated.contacts[name]
        assert c.series_resistance == pytest.approx(d.series_resistance, rel=1e-5)
        assert c.series_resistance_activation == pytest.approx(
            d.series_resistance_activation, rel=1e-5)
