"""Electron and hole densities and currents (Scharfetter-Gummel in quasi-Fermi form).

Unknowns (scaled, see :mod:`solver.physics.scaling`): potential ``u``, electron and hole
quasi-Fermi potentials ``v``, ``w``. With ``beta = T_ref / T``:

    n / C0 = exp(beta (u - v) + eta_n),     p / C0 = exp(beta (w - u) + eta_p)

for Boltzmann statistics (band offsets live in the cell-wise ``eta_n``, ``eta_p``, so the
quasi-Fermi potentials are continuous across heterointerfaces).

On a 1D P1 element of length h the Scharfetter-Gummel current is exactly

    J_n = -mu_n n_mid grad(v) * G(beta h v') / G(beta h u'),    G(z) = sinh(z/2) / (z/2),

with ``n_mid`` the density at the element midpoint (the geometric mean of the nodal densities).
Integrated with one-point (midpoint) quadrature this reproduces the finite-volume SG scheme,
stays stable when the mesh does not resolve exp(u), and gives J = 0 exactly when v is flat.
"""

from __future__ import annotations

import ufl

from .parameters import CellParameters
from .statistics import log_density

_TAYLOR = 0.05  # |z| below which ln G(z) uses its series


def log_sinhc(z: ufl.core.expr.Expr) -> ufl.core.expr.Expr:
    """``ln G(z) = ln(sinh(z/2) / (z/2))``, overflow-free and smooth through z = 0."""
    x2 = (z / 2) ** 2
    series = x2 / 6.0 - x2**2 / 180.0 + x2**3 / 2835.0
    a = ufl.max_value(abs(z), _TAYLOR)
    full = a / 2.0 + ufl.ln(1.0 - ufl.exp(-a)) - ufl.ln(a)
    return ufl.conditional(ufl.lt(abs(z), _TAYLOR), series, full)


def electron_eta(u, v, P: CellParameters):
    """Reduced electron Fermi level ``(E_Fn - E_c) / kT``."""
    return P.beta * (u - v) + P.eta_n - P.lnNc


def hole_eta(u, w, P: CellParameters):
    """Reduced hole Fermi level ``(E_v - E_Fp) / kT``."""
    return P.beta * (w - u) + P.eta_p - P.lnNv


def electron_density(u, v, P: CellParameters, statistics: str):
    """Scaled electron density n / C0."""
    return ufl.exp(log_density(electron_eta(u, v, P), P.lnNc, statistics))


def hole_density(u, w, P: CellParameters, statistics: str):
    """Scaled hole density p / C0."""
    return ufl.exp(log_density(hole_eta(u, w, P), P.lnNv, statistics))


def _drift_jump(u, eta, P: CellParameters, h, statistics: str, sign: float):
    """Jump of the effective drift potential (units of kT) across the element.

    Boltzmann: ``sign * beta h u'``. Fermi-Dirac adds the jump of ln(F_1/2(eta)/e^eta), so the
    discretisation stays exact at equilibrium (excess-chemical-potential scheme).
    """
    jump = sign * P.beta * h * u.dx(0)
    if statistics != "boltzmann":
        ln_gamma = log_density(eta, 0.0, statistics) - eta
        jump = jump + h * ln_gamma.dx(0)
    return jump


def electron_current(u, v, P: CellParameters, h, statistics: str):
    """Scaled electron current density J_n / J0 on each element (1D, a scalar)."""
    eta = electron_eta(u, v, P)
    ln_n = log_density(eta, P.lnNc, statistics)
    dv = P.beta * h * v.dx(0)
    du = _drift_jump(u, eta, P, h, statistics, 1.0)
    return -P.mu_n * ufl.exp(ln_n + log_sinhc(dv) - log_sinhc(du)) * v.dx(0)


def hole_current(u, w, P: CellParameters, h, statistics: str):
    """Scaled hole current density J_p / J0 on each element (1D, a scalar)."""
    eta = hole_eta(u, w, P)
    ln_p = log_density(eta, P.lnNv, statistics)
    dw = P.beta * h * w.dx(0)
    du = _drift_jump(u, eta, P, h, statistics, -1.0)
    return -P.mu_p * ufl.exp(ln_p + log_sinhc(dw) - log_sinhc(du)) * w.dx(0)
