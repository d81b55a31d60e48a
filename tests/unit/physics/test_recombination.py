"""Recombination rates (UFL) against their closed forms on constant fields."""

import math

import pytest

import ufl
from dolfinx import fem, mesh
from mpi4py import MPI

from solver.device.coefficients import CELL_FIELDS, CellParameters
from solver.numerics import compat
from solver.physics import carriers, recombination
from solver.physics.scaling import Scaling

VALS = dict.fromkeys(CELL_FIELDS, 0.0) | {
    "eps_r": 1.0, "lnNc": 0.0, "lnNv": 0.0, "eta_n": -2.0, "eta_p": -3.0, "mu_n": 1.0,
    "mu_p": 1.0, "tau_n": 2.0, "tau_p": 3.0, "ln_n1": -2.5, "ln_p1": -2.5, "B_rad": 0.7,
    "C_n": 0.2, "C_p": 0.1, "g_D": 2.0, "g_A": 4.0, "semi": 1.0}


def rate(kind, u, v, w):
    comm = MPI.COMM_WORLD
    msh = mesh.create_unit_interval(comm, 4)
    V0 = compat.function_space(msh, "DG", 0)
    f = {}
    for name in CELL_FIELDS:
        f[name] = fem.Function(V0)
        f[name].x.array[:] = VALS[name]
    P = CellParameters(scaling=Scaling(1.0, 1.0, 1.0, 0.0), beta=compat.constant(msh, 1.0),
                       lam2=compat.constant(msh, 1.0), f=f)
    n = carriers.electron_density(u, v, P, "boltzmann")
    p = carriers.hole_density(u, w, P, "boltzmann")
    R = recombination.MODELS[kind](n, p, v, w, P)
    return compat.assemble_scalar(fem.form(R * ufl.dx(domain=msh)), comm)


@pytest.mark.parametrize("u, v, w", [(0.3, 0.1, 0.6), (1.0, 0.0, 0.0), (0.0, 0.5, -0.5)])
def test_rates(u, v, w):
    n, p = math.exp(u - v - 2.0), math.exp(w - u - 3.0)
    ni2 = math.exp(-5.0)
    n1 = p1 = math.exp(-2.5)
    assert rate("srh", u, v, w) == pytest.approx((n * p - ni2) / (3.0 * (n + n1) + 2.0 * (p + p1)))
    assert rate("radiative", u, v, w) == pytest.approx(0.7 * (n * p - ni2))
    assert rate("auger", u, v, w) == pytest.approx((0.2 * n + 0.1 * p) * (n * p - ni2))
