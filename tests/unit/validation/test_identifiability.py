"""Profile ranges from a profile's chi^2 values (interpolated edges, open bounds)."""

import pytest

from solver.validation.identifiability import profile_range


def test_a_parabola_gives_the_one_sigma_edges():
    grid = [0.0, 0.25, 0.5, 0.75, 1.0]
    chi = [(z - 0.5) ** 2 / 0.1**2 for z in grid]  # chi^2 = 1 at 0.4 and 0.6 (linearly interp.)
    lo, hi, open_lo, open_hi = profile_range(grid, chi, 0.5, 0.0)
    assert not open_lo and not open_hi
    assert lo == pytest.approx(0.5 - 0.25 / 6.25) and hi == pytest.approx(0.5 + 0.25 / 6.25)


def test_a_flat_profile_is_open_on_both_sides():
    lo, hi, open_lo, open_hi = profile_range([0.0, 0.5, 1.0], [0.1, 0.0, 0.2], 0.3, 0.0)
    assert (lo, hi, open_lo, open_hi) == (0.0, 1.0, True, True)


def test_one_sided():
    lo, _hi, open_lo, open_hi = profile_range([0.0, 0.5, 1.0], [9.0, 0.5, 0.0], 0.9, 0.0)
    assert open_hi and not open_lo and 0.0 < lo < 0.5
