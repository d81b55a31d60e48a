"""A blocking-electrode cell at +-1 V in one Newton solve, with the level map: the same state.

Au / 2.2 mm LLZTO / Au (cases/pellet_bare.toml), ions blocked at both electrodes: from the
tangent prediction at +-1 V the electrolyte's level is ~19 kT/q off (the depletion double
layer takes most of the bias, the linear response splits it equally) and the carriers'
quasi-Fermi potentials follow the Hebb-Wagner profile, tens of kT/q from the prediction.
With the level taken in its exponential's variable and the electrolyte's carriers allowed to
fall 1000x per step (:mod:`solver.device.stepmap`) a point costs <= 12 Newton iterations
(20-29 with Newton's plain steps), and the converged currents equal the plain ones.
"""

import pytest

from mpi4py import MPI

from helpers import CASES
from solver.case import load_case
from solver.device import stepmap
from solver.device.prediction import bias_response, predict_bias
from solver.device.problem import DeviceProblem
from solver.studies.equilibrium import run_equilibrium


def points(T: float) -> dict[float, tuple[int, float, int]]:
    """``{V: (Newton iterations, J in A/m2, level maps)}`` at +-1 V from the equilibrium."""
    pb = DeviceProblem(load_case(CASES / "pellet_bare.toml"), MPI.COMM_WORLD)
    run_equilibrium(pb, T)
    eq = pb.snapshot()
    tangent = [(0.0, pb.solution_array(), bias_response(pb, "left"))]
    out = {}
    for V in (1.0, -1.0):
        pb.restore(eq)
        predict_bias(pb, "left", V, tangent)
        res = pb.solve()
        assert res.converged, (T, V, res.reason_name)
        out[V] = (res.iterations, pb.terminal_current("left")["total"],
                  pb.dd_solver.step_map.levels)
    return out


@pytest.mark.parametrize("T", [250.0, 298.0, 400.0])
def test_level_map_converges_fast_to_the_same_state(T, monkeypatch):
    fast = points(T)
    monkeypatch.setattr(stepmap, "LEVEL_MIN_STEP", float("inf"))
    monkeypatch.setattr(stepmap, "ELECTROLYTE_FLOOR", 0.1)
    plain = points(T)
    for V in (1.0, -1.0):
        its, J, levels = fast[V]
        assert its <= 12 and levels >= 1, (V, fast[V], plain[V])
        assert plain[V][0] >= its + 8  # the plain steps creep
        assert J == pytest.approx(plain[V][1], rel=1e-7)
