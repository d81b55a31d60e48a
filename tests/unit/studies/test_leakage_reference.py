"""The leakage reference cell: ratios matched by bias when either run misses a polarity."""

import math

import solver.studies.leakage as leakage
from solver.case import Study


def entry(voltages, sigmas, problems=()):
    e = {"leakage": {"voltage_V": list(voltages), "effective_conductivity_S_per_cm": list(sigmas)},
         "status": "incomplete" if problems else "ok"}
    if problems:
        e["problems"] = list(problems)
    return e


def test_a_reference_that_stopped_short_gives_nan_ratios_not_a_crash(monkeypatch):
    runs = iter([(entry([-10.0, 10.0], [2e-8, 4e-8]), None),  # the cell: both polarities
                 (entry([10.0], [1e-8], ["stopped at -8.5 V"]), None)])  # the reference: one
    monkeypatch.setattr(leakage, "run_leakage", lambda *a, **k: next(runs))
    kind = leakage.LeakageStudy.__new__(leakage.LeakageStudy)
    kind.pb, kind.reference = None, object()
    kind.study = Study(kind="leakage", contact="left", reference_without_layers=("p",))
    e, _ = kind.run(300.0)
    ratio = e["leakage"]["ratio_to_reference"]
    assert math.isnan(ratio[0]) and ratio[1] == 4.0
    assert e["status"] == "incomplete"
    assert e["problems"] == ["reference: stopped at -8.5 V"]


def test_the_reference_electrode_is_new_metal_on_the_electrolyte_without_the_films_resistance():
    """The bare cell's electrode (Au on LLZTO) does not inherit the Al / p-Si contact's R_s."""
    from helpers import CASES
    from solver.case import load_case

    case = load_case(CASES / "seed_stack.toml")
    assert case.contacts["left"].series_resistance > 0  # the calibrated Al / p-Si contact
    ref = leakage.case_without_layers(case, ("p-Si", "n-TiO2"), "Au")
    left = ref.contacts["left"]
    assert (left.kind, left.metal, left.touches) == ("blocking", "Au", "LLZTO")
    assert left.series_resistance == 0.0 and left.series_resistance_activation == 0.0
    assert left.workfunction == case.materials.get("Au").workfunction
    assert ref.contacts["right"] == case.contacts["right"]  # already Au on LLZTO
