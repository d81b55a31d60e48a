"""Steady state: total current is the same in every element and equals the terminal current."""

import numpy as np
import pytest

from helpers import diode_toml
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.device.readout import current_profile
from solver.studies.equilibrium import run_equilibrium


@pytest.mark.parametrize("V", [-0.8, 0.3, 0.6])
def test_total_current_constant_through_device(write_case, comm, V):
    case = load_case(write_case(diode_toml(extra="[materials.Si]\ntau_n_s = 1e-8\n"
                                           "tau_p_s = 1e-8\n[solver]\nupdate_tolerance = 1e-12")))
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    for v in np.linspace(0, V, 9)[1:]:
        pb.set_bias("left", float(v))
        assert pb.solve().converged
    J = pb.terminal_current("left")["total"] * 1e-4
    prof = current_profile(pb)
    if comm.rank == 0:
        total = prof["J_A_per_cm2"]
        assert np.max(np.abs(total - J)) <= 1e-6 * abs(J)
        # recombination moves current between carriers: each part alone is not constant
        assert np.ptp(prof["Jn_A_per_cm2"]) > 1e-3 * abs(J)
