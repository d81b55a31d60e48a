import numpy as np
import pytest

from helpers import CASES
from solver.case import load_case
from solver.geometry.grading import LayerGrid, debye_length, graded_segment, stack_nodes


def test_segment_is_graded_symmetric_and_exact():
    x = graded_segment(0.0, 1.0, LayerGrid(h_min=1e-3, h_max=0.05, growth=1.2))
    h = np.diff(x)
    assert x[0] == 0.0 and x[-1] == 1.0
    assert np.all(h > 0)
    assert h[0] == pytest.approx(h[-1]) and h[0] < 1.5e-3
    assert h.max() <= 0.05 * 1.01
    ratios = h[1:len(h) // 2] / h[: len(h) // 2 - 1]
    assert np.all(ratios <= 1.2 + 1e-9)


def test_stack_nodes_hit_every_interface():
    case = load_case(CASES / "si_pn_diode.toml")
    x, bounds = stack_nodes(case)
    for b in bounds:
        assert np.min(np.abs(x - b)) < 1e-18
    assert np.all(np.diff(x) > 0)


def test_default_spacing_resolves_debye_length():
    case = load_case(CASES / "si_pn_diode.toml")
    x, _ = stack_nodes(case)
    ld = debye_length(case, case.layers[0], 300.0)
    assert ld == pytest.approx(13e-9, rel=0.05)  # materials.md: 12.9 nm at 1e17
    assert np.diff(x)[0] <= ld / 30 * 1.001
