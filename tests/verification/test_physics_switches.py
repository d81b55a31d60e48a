"""Every physics switch on, on the whole seed stack: converges at 0 V and at +-1 V.

A term is absent where a layer has no coefficients for it (LLZTO has no impact-ionisation,
band-to-band, tunnelling or Poole-Frenkel data), so switching a model on never poisons another
layer with 0 x inf at zero field.
"""

import math

import pytest

from helpers import CASES
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium

EVERYTHING = ["physics.statistics=\"fermi-dirac\"", "physics.incomplete_ionisation=true",
              "physics.recombination=[\"srh\", \"radiative\", \"auger\"]",
              "physics.impact_ionisation=true", "physics.band_to_band=true",
              "physics.trap_assisted_tunnelling=true", "physics.poole_frenkel=true",
              "temperature_K=298.0"]


@pytest.mark.parametrize("interface", ["continuous", "thermionic"])
def test_seed_stack_with_every_switch_on(comm, interface):
    case = load_case(CASES / "seed_stack.toml",
                     [*EVERYTHING, f"physics.heterointerface=\"{interface}\""])
    pb = DeviceProblem(case, comm)
    entry, _ = run_equilibrium(pb, 298.0)
    assert math.isfinite(entry["built_in_potential_V"])
    records, problems = sweep(pb, "left", [-1.0, 1.0], Progress("t", 2, rank=1))
    assert not problems
    J = {r["voltage_V"]: r["current_density_A_per_cm2"] for r in records}
    assert all(math.isfinite(v) for v in J.values())
    assert J[1.0] > 0 > J[-1.0]
