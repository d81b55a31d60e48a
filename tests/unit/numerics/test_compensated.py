"""Compensated unknowns (solver.numerics.compensated)."""

import numpy as np

from solver.numerics.compensated import QUANTUM, renormalise


def test_value_kept_base_quantised_remainder_small():
    rng = np.random.default_rng(1)
    base = rng.uniform(-40, 40, 1000)
    sol = rng.uniform(-1e-3, 1e-3, 1000)
    total = base + sol
    free = np.arange(1, 1000)  # entry 0 stands for a Dirichlet value
    b0, s0 = base[0], sol[0]
    renormalise(base, sol, free)
    assert base[0] == b0 and sol[0] == s0
    assert np.all(base[free] / QUANTUM == np.round(base[free] / QUANTUM))
    assert np.max(np.abs(sol[free])) <= QUANTUM / 2
    assert np.max(np.abs((base + sol) - total)) <= 4 * np.finfo(float).eps * 40


def test_flat_level_has_identical_base_and_keeps_tiny_differences():
    # a quasi-Fermi level 40 kT/q high, differing by 1e-12 between neighbouring nodes
    base = np.full(3, 40.0)
    sol = np.array([0.0, 1e-12, 2e-12])
    renormalise(base, sol, np.arange(3))
    assert base[0] == base[1] == base[2]
    assert np.allclose(np.diff(sol), 1e-12, rtol=1e-9, atol=0)
