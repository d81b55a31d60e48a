import numpy as np
import pytest
from scipy.integrate import quad

from solver.physics.statistics import fd_half_np


@pytest.mark.parametrize("eta", [-20.0, -3.0, 0.0, 2.0, 10.0, 30.0])
def test_fermi_dirac_half_approximation(eta):
    exact = 2 / np.sqrt(np.pi) * quad(lambda e: np.sqrt(e) / (1 + np.exp(e - eta)), 0, eta + 60)[0]
    assert fd_half_np(eta) == pytest.approx(exact, rel=5e-3)
