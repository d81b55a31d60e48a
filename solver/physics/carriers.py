"""Electron and hole densities and currents (Scharfetter-Gummel in quasi-Fermi form).

Unknowns (scaled, see :mod:`solver.physics.scaling`): potential ``u``, electron and hole
quasi-Fermi potentials ``v``, ``w``. With ``beta = T_ref / T``:

    n / C0 = exp(beta (u - v) + eta_n),     p / C0 = exp(beta (w - u) + eta_p)

for Boltzmann statistics (band offsets live in the cell-wise ``eta_n``, ``eta_p``, so the
quasi-Fermi potentials are continuous across heterointerfaces).

Along every edge E of a P1 simplex the Scharfetter-Gummel current is

    J_E = -mu_n n_mid,E dv_E G(beta dv_E) / G(beta du_E),    G(z) = sinh(z/2) / (z/2),

with ``d`` the difference along the edge and ``n_mid,E`` the density at the edge midpoint (the
geometric mean of the nodal densities); the edges are combined with the cotangent weights of the
P1 stiffness matrix (edge-averaged finite elements, see :mod:`solver.physics.edges`). In 1D
this is exactly the finite-volume SG scheme: stable when the mesh does not resolve exp(u),
current conserving, and J = 0 exactly when v is flat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ufl

from .statistics import log_density

if TYPE_CHECKING:  # coefficients are the device's; the laws only read them
    from ..device.coefficients import CellParameters
    from .edges import EdgeGeometry

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


def edge_flux(P: CellParameters, geo: EdgeGeometry, mobility, ln_density, unknown, drift,
              test):
    """EAFE integrand ``sum_E w_E mu exp(ln c_E + lnG(d_unknown) - lnG(d_drift)) d_unknown d_test``.

    ``ln_density(shift)`` returns ``ln c`` at the point ``centroid + shift``; ``unknown`` is the
    (scaled) electrochemical potential that drives the flux, ``drift`` the expression whose jump
    along an edge is the drift argument of the Scharfetter-Gummel factor (in units of kT).
    Integrate with one-point (centroid) quadrature. With ``test`` = a P1 test function this is
    the flux term of the continuity equation; with ``test`` = a weight W it is the current
    ``-int J . grad W``; with ``test`` = x_d it is ``-J_d`` (cell-wise).
    """
    total = 0
    g_unknown, g_drift, g_test = (ufl.grad(x) for x in (unknown, drift, test))
    for e, d, w in zip(geo.e, geo.d, geo.w, strict=True):
        du = ufl.dot(g_unknown, e)
        dd = ufl.dot(g_drift, e)
        arg = ln_density(d) + log_sinhc(P.beta * du) - log_sinhc(dd)
        total = total + w * mobility * ufl.exp(arg) * du * ufl.dot(g_test, e)
    return total


def _shifted(expr_of_fields, fields, shift):
    """``expr`` at ``centroid + shift`` for P1 fields: each field f -> f + grad(f) . shift."""
    return expr_of_fields(*(f + ufl.dot(ufl.grad(f), shift) for f in fields))


def electron_flux(u, v, test, P: CellParameters, geo: EdgeGeometry, statistics: str):
    """Electron flux term ``-J_n . grad(test)`` (scaled), EAFE / Scharfetter-Gummel."""
    def ln_n(uu, vv):
        return log_density(electron_eta(uu, vv, P), P.lnNc, statistics)

    drift = P.beta * u
    if statistics != "boltzmann":  # excess chemical potential: drift includes ln(F/e^eta)
        eta = electron_eta(u, v, P)
        drift = drift + log_density(eta, 0.0, statistics) - eta
    return edge_flux(P, geo, P.mu_n, lambda s: _shifted(ln_n, (u, v), s), v, drift, test)


def hole_flux(u, w, test, P: CellParameters, geo: EdgeGeometry, statistics: str):
    """Hole flux term ``-J_p . grad(test)`` (scaled), EAFE / Scharfetter-Gummel."""
    def ln_p(uu, ww):
        return log_density(hole_eta(uu, ww, P), P.lnNv, statistics)

    drift = -P.beta * u
    if statistics != "boltzmann":
        eta = hole_eta(u, w, P)
        drift = drift + log_density(eta, 0.0, statistics) - eta
    return edge_flux(P, geo, P.mu_p, lambda s: _shifted(ln_p, (u, w), s), w, drift, test)
