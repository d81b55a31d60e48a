"""Newton steps of quasi-Fermi potentials taken in their Slotboom variables."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.numerics.steps import FLOOR, slotboom_step


@pytest.mark.parametrize("sign", [-1.0, 1.0])
def test_linear_slotboom_change_is_exact(sign):
    # the Slotboom variable exp(sign beta v) should change by the factor (1 + sign beta dv)
    beta, dv = 1.3, np.array([-0.4, -0.05, 0.02, 0.3, 5.0]) * sign
    v = np.linspace(-2.0, 2.0, dv.size)
    new = v + slotboom_step(dv, sign, beta)
    factor = np.exp(sign * beta * new) / np.exp(sign * beta * v)
    np.testing.assert_allclose(factor, 1.0 + sign * beta * dv, rtol=1e-13)


@given(st.floats(min_value=1e-300, max_value=1e-6), st.sampled_from([-1.0, 1.0]),
       st.sampled_from([-1.0, 1.0]), st.floats(min_value=0.5, max_value=2.0))
def test_small_steps_agree_to_second_order(size, direction, sign, beta):
    dv = direction * size
    got = float(slotboom_step(np.array([dv]), sign, beta)[0])
    # log1p: relative round-off only, no cancellation for tiny steps
    assert abs(got - dv) <= beta * dv * dv + 4e-16 * abs(dv)


def test_steps_are_bounded():
    beta = 1.0
    for sign in (-1.0, 1.0):
        shrink = slotboom_step(np.array([-sign * 1e9]), sign, beta)[0]  # density -> "negative"
        grow = slotboom_step(np.array([sign * 1e9]), sign, beta)[0]  # density x 1e9
        assert sign * shrink == pytest.approx(np.log(FLOOR))
        assert sign * grow == pytest.approx(np.log1p(1e9))
