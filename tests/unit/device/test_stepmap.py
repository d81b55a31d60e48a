"""How Newton's direction is applied: carriers in Slotboom variables, the electrolyte's level."""

import numpy as np
import pytest

from mpi4py import MPI

from solver.device import stepmap
from solver.device.stepmap import StepMap

NC = 4  # potential, v, w, one ion species


def direction(nodes, psi, xi, v=0.0, w=0.0):
    y = np.zeros((nodes, NC))
    y[:, 0], y[:, 1], y[:, 2], y[:, 3] = psi, v, w, xi
    return y


def make(nodes=10, charge=1, level=True, dc=True, wide=True):
    free = np.zeros((nodes, NC), dtype=bool)
    free[:, :3] = True
    free[2:8, 3] = True  # the electrolyte
    free[0, :] = free[-1, :] = False  # contacts
    free[2, 0] = False  # an electrode on the electrolyte: the potential is fixed
    return StepMap(NC, free.ravel(), nodes * NC, [charge], lambda: 1.0, MPI.COMM_SELF,
                   dc=dc, level=level, wide=wide), free[:, 0] & free[:, 3]


def test_a_common_step_of_potential_and_ion_potential_is_taken_in_its_exponential():
    sm, ionic = make()
    y = direction(10, psi=0.993, xi=0.993)  # update -0.993 everywhere: Newton from above
    bounded = sm(y.ravel()).reshape(-1, NC)
    assert np.allclose(-y[ionic, 0], np.log1p(-0.993)) and np.allclose(-y[ionic, 3], -4.9618,
                                                                         atol=1e-4)
    assert np.allclose(y[~ionic, 0], 0.993)  # outside the electrolyte: Newton's own step
    assert bounded[ionic, 0].all() and bounded[ionic, 3].all() and not bounded[~ionic, 0].any()
    assert sm.levels == 1


def test_raising_the_level_is_damped_and_an_anion_maps_the_other_way():
    sm, ionic = make()
    y = direction(10, psi=-2.0, xi=-2.0)  # update +2: the accumulation charge grows e^2
    sm(y.ravel())
    assert np.allclose(-y[ionic, 0], np.log1p(2.0))
    sm, _ = make(charge=-1)
    y = direction(10, psi=-0.9, xi=-0.9)
    sm(y.ravel())
    assert np.allclose(-y[ionic, 0], -np.log1p(-0.9))  # z = -1: exp(-beta xi)


@pytest.mark.parametrize("psi, xi, why", [
    (0.3, 0.3, "small"), (1.0, 0.5, "the ions do not follow"), (None, 1.0, "not common"),
])
def test_the_level_is_left_alone_unless_it_is_a_common_large_step(psi, xi, why):
    sm, _ = make()
    if psi is None:  # a step that varies by more than LEVEL_MAX_SPREAD across the nodes
        psi = np.linspace(-1.0, 3.0, 10)
    y = direction(10, psi=psi, xi=xi)
    before = y.copy()
    sm(y.ravel())
    assert np.array_equal(y[:, [0, 3]], before[:, [0, 3]]), why
    assert sm.levels == 0


def test_no_level_map_in_transients_or_with_two_charge_signs():
    for sm in (make(level=False)[0], make(dc=False)[0],
               StepMap(5, np.ones(50, bool), 50, [1, -1], lambda: 1.0, MPI.COMM_SELF,
                       dc=True, level=True, wide=True)):
        y = np.full((10, sm.nc), 0.993)
        sm(y.ravel())
        assert np.allclose(y[:, 0], 0.993) and sm.levels == 0


def test_carriers_in_a_1d_electrolyte_may_fall_1000x_per_step_elsewhere_10x():
    sm, ionic = make()
    y = direction(10, psi=0.0, xi=0.0, w=30.0)  # holes: update -30 kT/q (density down e^30)
    sm(y.ravel())
    assert np.allclose(-y[ionic, 2], np.log(stepmap.ELECTROLYTE_FLOOR))
    assert np.allclose(-y[~ionic, 2], np.log(0.1))
    for narrow in (make(dc=False)[0], make(wide=False)[0]):  # time steps, 2D / 3D: 10x
        y = direction(10, psi=0.0, xi=0.0, w=30.0)
        narrow(y.ravel())
        assert np.allclose(-y[:, 2], np.log(0.1))
