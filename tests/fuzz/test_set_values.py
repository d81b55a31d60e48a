"""Fuzz: ``--set`` overrides (any key path, any text as value) through ``interphase check``'s
code path. No traceback, no hang; an override outside a key's physical range is refused."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import FUZZ, base_documents, leaves, outcome
from helpers import CASES
from solver.case import load_case
from solver.geometry.check import check_mesh

pytestmark = pytest.mark.serial

DOC = base_documents()["seed_stack.toml"]
REAL = sorted({".".join(str(p) for p in path) for path, _ in leaves(copy.deepcopy(DOC))})
NAMED = [k.replace("layers.0", "layers.p-Si").replace("layers.2", "layers.LLZTO") for k in REAL]
EXTRA = ["temperature_K", "mesh.max_nodes", "mesh.growth", "materials.Si.Eg_eV", "study",
         "layers", "layers.9.name", "layers.-1.name", "contacts", "output", "a.b.c.d.e.f", ".",
         "", "..", "study.frequencies_Hz.values", "geometry.generator", "materials.X.base"]
TEXT = st.one_of(
    st.sampled_from(["1e5", "1e-300", "5e-324", "1e303", "-1", "0", "nan", "inf", '"x"', "[]",
                     "{}", "[300, 1e6]", "{start = 0, stop = 1e300, step = 1e-300}", '"a\nb"',
                     "a\nb", "{a = " * 40 + "1" + "}" * 40, "[" * 900 + "]" * 900, "true",
                     "{ a = 1 }", "[[1]]", "=", "'", "1.0000001", "300", '"onchip"']),
    st.text(max_size=30))


@settings(FUZZ, max_examples=500)
@given(sets=st.lists(st.tuples(st.sampled_from(REAL + NAMED + EXTRA), TEXT), min_size=1,
                     max_size=3))
def test_set_overrides_never_traceback_or_hang(sets):
    strings = [f"{k}={v}" for k, v in sets]
    outcome(lambda: check_mesh(load_case(CASES / "seed_stack.toml", strings)))


@settings(FUZZ, max_examples=100)
@given(key=st.sampled_from(["temperature_K", "layers.0.thickness_nm", "layers.1.donors_cm3",
                            "layers.p-Si.acceptors_cm3", "mesh.growth", "mesh.min_nm",
                            "study.step_V", "study.t_end_s", "solver.max_iterations",
                            "contacts.right.workfunction_eV"]),
       value=st.sampled_from(["1e303", "-1e303", "1e-300", "5e-324", "1e40", "-5", "inf",
                              "nan", "0", "10000000000000000000000000000"]))
def test_set_values_outside_the_physical_range_are_refused(key, value):
    message = outcome(lambda: check_mesh(load_case(CASES / "seed_stack.toml",
                                                   [f"{key}={value}"])))
    tiny = {"0", "1e-300", "5e-324"}  # a doping or a bias may be (nearly) zero
    valid = (key.endswith("_cm3") and value in tiny) or (key == "study.step_V"
                                                          and value in tiny | {"-5"})
    if not valid:
        assert message is not None, f"--set {key}={value} accepted"
