"""Calibrated overrides reach the experiments that have what they describe, and no others."""

from helpers import CASES
from solver.validation.experiments import applicable

SETS = ["contacts.Al/a-Si.series_resistance_ohm_cm2=400", "layers.p-Si.acceptors_cm3=1e18",
        "contacts.left.series_resistance_activation_eV=0.5",
        "materials.LLZTO.sigma_e_S_per_cm=1e-6"]


def test_a_contact_named_by_metal_and_material_reaches_only_that_contact():
    seed = applicable(CASES / "seed_stack.toml", SETS)  # left: Al on p-Si (a-Si)
    assert "contacts.left.series_resistance_ohm_cm2=400" in seed
    assert "layers.p-Si.acceptors_cm3=1e18" in seed
    onchip = applicable(CASES / "onchip_diode.toml", SETS)  # top: Al on p-Si; bottom: Ti
    assert "contacts.top.series_resistance_ohm_cm2=400" in onchip
    assert not any(s.startswith("contacts.bottom.series_resistance_ohm") for s in onchip)
    assert "contacts.left.series_resistance_activation_eV=0.5" not in onchip  # no such contact
    for case in ("pellet_impedance.toml", "li_symmetric.toml", "pellet_bare.toml"):
        sets = applicable(CASES / case, SETS)  # Au or Li on LLZTO: no Al / a-Si contact
        assert not any("series_resistance_ohm_cm2" in s for s in sets), (case, sets)
        assert "materials.LLZTO.sigma_e_S_per_cm=1e-6" in sets
