"""Brent's bracketed root finder against scipy.optimize.brentq."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from solver.numerics.roots import bracketed_root

FUNCTIONS = [
    (lambda x: x**3 - 2 * x - 5, 2.0, 3.0),
    (lambda x: math.exp(x) - 1e10, 0.0, 700.0),  # steep: most steps by interpolation
    (lambda x: math.atan(x - 0.3), -1e3, 1e4),  # flat far from the root
    (lambda x: (x - 1.0) ** 3, 0.0, 5.0),  # triple root
    (lambda x: math.exp(min(-x, 700)) - math.exp(min(x - 3.0, 700)) + 0.5, -800.0, 800.0),
]


@pytest.mark.parametrize("f, a, b", FUNCTIONS)
def test_agrees_with_scipy(f, a, b):
    got = bracketed_root(f, a, b, xtol=1e-14)
    ref = brentq(f, a, b, xtol=1e-14, maxiter=500)
    assert got == pytest.approx(ref, rel=1e-13, abs=1e-13)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-50.0, max_value=50.0), st.floats(min_value=1e-3, max_value=1e3))
def test_neutrality_like_roots(root, width):
    # the shape of the charge-neutrality residual: p - n + net, monotone, exponential tails
    f = lambda x: math.exp(min(-(x - root), 700)) - math.exp(min(x - root, 700))  # noqa: E731
    got = bracketed_root(f, root - width, root + 2 * width, xtol=1e-14)
    assert got == pytest.approx(root, abs=1e-13 + 1e-15 * abs(root))


def test_rejects_a_bracket_without_sign_change():
    with pytest.raises(ValueError, match="same sign"):
        bracketed_root(lambda x: x * x + 1.0, -1.0, 1.0)
