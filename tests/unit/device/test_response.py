"""The linear response d(state)/dV of a DC state and the predictor built on it."""

import numpy as np

from helpers import diode_toml
from solver.case import load_case
from solver.device.prediction import bias_response, predict_bias
from solver.device.problem import DeviceProblem
from solver.studies.equilibrium import run_equilibrium


def test_bias_response_is_the_derivative_of_the_solution(write_case, comm):
    case = load_case(write_case(diode_toml(thickness_nm=200.0, study='kind = "iv"\n'
                                           'voltages_V = [0.2]')))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    states = {}
    for V in (0.3, 0.3 + 1e-4):
        pb.set_bias("left", V)
        assert pb.solve().converged
        states[V] = pb.solution_array()
        if V == 0.3:
            t = bias_response(pb, "left")
    fd = (states[0.3 + 1e-4] - states[0.3]) / 1e-4
    u = np.asarray(pb.W.sub(0).collapse()[1])
    scale = comm.allreduce(float(np.max(np.abs(fd[u]))), max)
    err = comm.allreduce(float(np.max(np.abs(t[u] - fd[u]))), max)
    assert err < 1e-3 * scale  # first order in the 1e-4 V difference


def test_tangent_predictor_needs_few_newton_iterations(write_case, comm):
    case = load_case(write_case(diode_toml(thickness_nm=200.0, study='kind = "iv"\n'
                                           'voltages_V = [0.2]')))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    history = [(0.0, pb.solution_array(), bias_response(pb, "left"))]
    its = []
    for V in (0.05, 0.1, 0.15, 0.2):
        predict_bias(pb, "left", V, history)
        res = pb.solve()
        assert res.converged
        its.append(res.iterations)
        history = [history[-1], (V, pb.solution_array(), bias_response(pb, "left"))]
    assert max(its[1:]) <= 4  # Hermite predictor from the second point on
