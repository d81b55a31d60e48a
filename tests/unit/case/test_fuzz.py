"""Malformed case files never give a traceback or a hang: only CaseError."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import diode_toml
from solver.case import load_case
from solver.errors import CaseError

pytestmark = pytest.mark.serial

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
toml_values = st.one_of(
    st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(repr),
    st.text(max_size=10).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
    st.sampled_from(["true", "[]", "[1, 2]", "{}", "{ start = 1 }", "-0.0", "inf", "nan",
                     '"Si"', "[[1]]", '{ a = { b = 1 } }']))
keys = st.sampled_from(["name", "temperature_K", "thickness_nm", "acceptors_cm3", "material",
                        "kind", "voltages_V", "contact", "growth", "layers", "study", "x",
                        "donors_cm3", "at", "metal", "linear_solver", "mesh_growth"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_case_never_tracebacks(write_case, data):
    text = diode_toml(study='kind = "iv"\nvoltages_V = [0.1]')
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["replace_value", "delete", "insert", "garble"]))
        if op == "replace_value" and "=" in lines[i]:
            lines[i] = lines[i].split("=")[0] + "= " + data.draw(toml_values)
        elif op == "delete":
            del lines[i]
        elif op == "insert":
            lines.insert(i, f"{data.draw(keys)} = {data.draw(toml_values)}")
        else:
            lines[i] = lines[i][: data.draw(st.integers(0, max(len(lines[i]), 1)))]
    path = write_case("\n".join(lines))
    try:
        load_case(path)
    except CaseError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_random_text_never_tracebacks(write_case, text):
    path = write_case(text)
    try:
        load_case(path)
    except CaseError:
        pass


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(keys, scalars), max_size=4))
def test_set_overrides_never_traceback(write_case, pairs):
    path = write_case(diode_toml())
    sets = [f"{k}={v}" for k, v in pairs] + ["layers.0.thickness_nm=-1"]
    with pytest.raises(CaseError):
        load_case(path, sets)
