"""Point generation: TOML round trip of values, grids, lists, LHS / Sobol samples."""

import math
import tomllib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.sweep import points as P

scalars = st.one_of(st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=8), inner,
                                                 max_size=3)), max_leaves=10)


@given(values)
def test_toml_value_round_trips_exactly(v):
    assert tomllib.loads(f"v = {P.toml_value(v)}")["v"] == v


def test_toml_value_of_special_floats_and_numpy():
    assert P.toml_value(1e18) == "1e+18"
    assert P.toml_value(float("inf")) == "inf"
    assert math.isnan(tomllib.loads(f"v = {P.toml_value(float('nan'))}")["v"])
    assert P.toml_value(np.float64(0.1)) == "0.1"
    assert P.set_strings({"a.b": {"start": 0.0, "stop": 1.0, "step": 0.5}}) == [
        "a.b={start = 0.0, stop = 1.0, step = 0.5}"]
    with pytest.raises(TypeError):
        P.toml_value(object())


def test_grid_is_full_factorial_first_key_slowest():
    pts = P.grid_points({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(pts) == 6
    assert pts[0] == {"a": 1, "b": "x"} and pts[1] == {"a": 1, "b": "y"}
    assert pts[-1] == {"a": 2, "b": "z"}


def test_list_takes_ith_values():
    assert P.list_points({"a": [1, 2], "b": [3, 4]}) == [{"a": 1, "b": 3}, {"a": 2, "b": 4}]


def test_axis_values_linear_and_log():
    assert P.axis_values({"start": 0.0, "stop": 1.0, "num": 3}) == [0.0, 0.5, 1.0]
    logv = P.axis_values({"start": 1e17, "stop": 1e19, "num": 3, "log": True})
    assert logv[0] == 1e17 and logv[-1] == 1e19 and logv[1] == pytest.approx(1e18)
    assert P.axis_values({"start": 2.0, "stop": 5.0, "num": 1}) == [2.0]


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_samples_are_deterministic_and_inside_bounds(method):
    bounds = {"T": (250.0, 400.0), "N": (1e16, 1e19)}
    a = P.sample_points(method, 12, 7, bounds, log=["N"])
    b = P.sample_points(method, 12, 7, bounds, log=["N"])
    c = P.sample_points(method, 12, 8, bounds, log=["N"])
    assert a == b and a != c
    assert len(a) == 12
    for p in a:
        assert 250.0 <= p["T"] <= 400.0 and 1e16 <= p["N"] <= 1e19
        assert isinstance(p["T"], float)


def test_lhs_is_stratified_in_every_dimension():
    n = 10
    u = P.unit_sample("lhs", n, 3, seed=1)
    for j in range(3):
        assert sorted(np.floor(u[:, j] * n).astype(int).tolist()) == list(range(n))


def test_log_sampling_spreads_over_decades():
    pts = P.sample_points("lhs", 30, 3, {"N": (1e15, 1e21)}, log=["N"])
    decades = {math.floor(math.log10(p["N"])) for p in pts}
    assert len(decades) >= 5  # uniform in log10: every decade is hit


def test_point_ids():
    assert P.point_ids(3) == ["p0000", "p0001", "p0002"]
    assert P.point_ids(12000)[-1] == "p11999"
