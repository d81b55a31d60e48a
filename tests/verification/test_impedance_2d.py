"""Impedance in 2D / 3D: an extruded diode has the 1D impedance at every frequency.

The extrusion is wider (3 um) than the stack is long (2 um): the mesh is scaled by its largest
extent, so a weight ``1 - x`` (the 1D terminal-current weight) would not vanish on the far
contact; the device's own (harmonic) weight must be used.
"""

import numpy as np
import pytest

from helpers import diode_toml
from meshes import GENERATORS
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.geometry.grading import stack_nodes
from solver.studies.impedance import run_impedance

STUDY = """kind = "impedance"
contact = "left"
bias_V = 0.3
frequencies_Hz = { start = 1e0, stop = 1e9, per_decade = 1 }"""


def spectrum(case, comm):
    pb = DeviceProblem(case, comm)
    entry, _ = run_impedance(pb, case.study, 300.0)
    spec = entry["impedance"]
    return pb, np.array(spec["Z_real_ohm_cm2"]) + 1j * np.array(spec["Z_imag_ohm_cm2"])


# 2D is the 1D scheme row by row: the spectra differ by the round-off of one LU solve of the
# 2x2 real block system (KLU in 1D, MUMPS in 2D: ~1e-5)
@pytest.mark.parametrize("dim, ny, rtol", [(2, 2, 1e-4), (3, 1, 5e-3)])
def test_extruded_impedance_equals_1d(comm, shared_tmp, write_case, dim, ny, rtol):
    path = write_case(diode_toml(study=STUDY))
    case1 = load_case(path)
    x, _ = stack_nodes(case1)
    msh = shared_tmp / f"z{dim}d.msh"
    if comm.rank == 0:
        GENERATORS["extruded_stack"](msh, layers=[("p", 1000.0), ("n", 1000.0)],
                                     x_nodes_nm=list(x * 1e9), width_nm=3000.0, ny=ny, dim=dim)
    comm.Barrier()
    case2 = load_case(path, [f'geometry.msh="{msh}"'])
    _, z1 = spectrum(case1, comm)
    pb2, z2 = spectrum(case2, comm)
    assert pb2.dm.mesh.topology.dim == dim
    # the spectrum spans the conductance (low f) and the depletion capacitance (high f)
    assert abs(z1[0].imag) < 0.1 * z1[0].real and abs(z1[-1].imag) > 10 * z1[-1].real
    rel = np.abs(z2 / z1 - 1.0)
    assert rel.max() < rtol, rel
