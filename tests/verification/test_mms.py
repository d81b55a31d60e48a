"""Manufactured solution for the coupled Poisson / electron / hole system (scaled units).

The exact potentials below are smooth; UFL derives the source terms from the continuous
operators (flux divergence of J = -mu n grad(phi), SRH recombination, Poisson's charge). The
discrete residual is the production one, :meth:`solver.device.residual.DeviceForms.coupled`
(Scharfetter-Gummel / EAFE fluxes in quasi-Fermi form, midpoint quadrature of fluxes, lumped
reaction terms, its signs), with only the manufactured sources added. Asserted: observed L2
order 2 +- 0.15 for all three unknowns over 4 refinements, in a regime where the cell Peclet
number beta h |u'| exceeds 1 on the coarsest mesh (so the exponential fitting matters).
"""

import numpy as np
import pytest

import ufl
from dolfinx import fem, mesh

from solver.case import Physics
from solver.device.coefficients import CELL_FIELDS, CellParameters
from solver.device.residual import DeviceForms, Fields, TimeCoefficients
from solver.numerics import compat
from solver.numerics.newton import NewtonSolver
from solver.physics import carriers, poisson, recombination
from solver.physics.edges import edge_geometry
from solver.physics.scaling import Scaling

VALUES = dict.fromkeys(CELL_FIELDS, 0.0) | {
          "eps_r": 1.0, "lnNc": 0.0, "lnNv": 0.0, "eta_n": 0.0, "eta_p": -1.0, "ND": 1.0,
          "NA": 0.5, "mu_n": 1.0, "mu_p": 0.4, "tau_n": 5.0, "tau_p": 3.0, "ln_n1": -1.0,
          "ln_p1": -1.0, "B_rad": 0.0, "C_n": 0.0, "C_p": 0.0, "ED": 0.0, "EA": 0.0,
          "g_D": 2.0, "g_A": 4.0, "semi": 1.0, "inv_cmax": 0.0, "u_ion": 0.0, "N_fixed": 0.0}


def exact(x):
    u = 6.0 * ufl.sin(np.pi * x) + 3.0 * x
    v = 0.8 * x * x - 0.3 * ufl.cos(2 * x)
    w = -0.5 * ufl.sin(1.5 * x) + 0.2
    return u, v, w


def solve_on(N, comm):
    msh = mesh.create_interval(comm, N, [0.0, 1.0])
    V0 = compat.function_space(msh, "DG", 0)
    f = {}
    for name in CELL_FIELDS:
        f[name] = fem.Function(V0, name=name)
        f[name].x.array[:] = VALUES[name]
    P = CellParameters(scaling=Scaling(L0=1.0, C0=1.0, mu0=1.0, chi_ref=0.0),
                       beta=compat.constant(msh, 1.0), lam2=compat.constant(msh, 0.05), f=f)
    W = compat.function_space(msh, shape=(3,))
    sol = fem.Function(W)
    u, v, w = sol[0], sol[1], sol[2]
    t = ufl.TestFunction(W)
    x = ufl.SpatialCoordinate(msh)[0]
    ue, ve, we = exact(x)
    # continuous operators applied to the exact solution -> sources
    ne = carriers.electron_density(ue, ve, P, "boltzmann")
    pe = carriers.hole_density(ue, we, P, "boltzmann")
    Re = recombination.srh(ne, pe, ve, we, P)
    f_psi = -ufl.div(P.lam2 * P.eps_r * ufl.grad(ue)) - poisson.space_charge(ne, pe, P, False)
    f_n = -ufl.div(P.mu_n * ne * ufl.grad(ve)) - Re
    f_p = -ufl.div(P.mu_p * pe * ufl.grad(we)) + Re
    geo = edge_geometry(msh)
    dx = ufl.Measure("dx", msh, metadata=compat.midpoint_quadrature_metadata())
    dxv = ufl.Measure("dx", msh, metadata=compat.vertex_quadrature_metadata(1))
    time = TimeCoefficients(*(compat.constant(msh, c) for c in (0.0, 1.0, -1.0, 0.0)))
    forms = DeviceForms(P, {}, (dx, dxv, ufl.ds), geo, Physics(), time)
    state = Fields.of(sol, [])
    F = forms.coupled(state, state, state, t, transient=False)
    F -= (f_psi * t[0] + f_n * t[1] + f_p * t[2]) * dxv
    fdim = 0
    ends = mesh.locate_entities_boundary(
        msh, fdim, lambda X: np.isclose(X[0], 0) | np.isclose(X[0], 1))
    bcs = []
    for i, ex in enumerate((ue, ve, we)):
        Vi, _ = W.sub(i).collapse()
        g = fem.Function(Vi)
        g.interpolate(fem.Expression(ex, compat.interpolation_points(Vi)))
        dofs = fem.locate_dofs_topological((W.sub(i), Vi), fdim, ends)
        bcs.append(fem.dirichletbc(g, dofs, W.sub(i)))
    for i, ex in enumerate((ue, ve, we)):  # start from the interpolated exact solution
        Vi, dofs_i = W.sub(i).collapse()
        g = fem.Function(Vi)
        g.interpolate(fem.Expression(ex, compat.interpolation_points(Vi)))
        sol.x.array[dofs_i] = g.x.array
    solver = NewtonSolver(F, sol, bcs, comm, update_tolerance=1e-11)
    res = solver.solve()
    assert res.converged, res
    dxh = ufl.Measure("dx", msh, metadata={"quadrature_degree": 8})
    errs = [np.sqrt(compat.assemble_scalar(fem.form((c - e) ** 2 * dxh), comm))
            for c, e in zip((u, v, w), (ue, ve, we))]
    solver.destroy()
    return errs


def test_coupled_mms_second_order(comm):
    Ns = [20, 40, 80, 160]
    errs = np.array([solve_on(N, comm) for N in Ns])
    hs = 1.0 / np.array(Ns)
    for k, name in enumerate("uvw"):
        order = np.polyfit(np.log(hs), np.log(errs[:, k]), 1)[0]
        assert order == pytest.approx(2.0, abs=0.15), (name, order, errs[:, k])
    # the coarsest mesh is convection dominated: cell Peclet number above 1
    assert (6.0 * np.pi + 3.0) / Ns[0] > 1.0
