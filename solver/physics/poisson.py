"""Poisson's equation and the space charge, as UFL forms (scaled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ufl

if TYPE_CHECKING:  # coefficients are the device's; the laws only read them
    from ..device.coefficients import CellParameters



def ionised_donors(n, P: CellParameters, incomplete: bool):
    """N_D+ / C0; with incomplete ionisation ``N_D / (1 + g_D (n / Nc) exp(E_D / kT))``."""
    if not incomplete:
        return P.ND
    return P.ND / (1.0 + P.g_D * n * ufl.exp(P.ED - P.lnNc))


def ionised_acceptors(p, P: CellParameters, incomplete: bool):
    """N_A- / C0; with incomplete ionisation ``N_A / (1 + g_A (p / Nv) exp(E_A / kT))``."""
    if not incomplete:
        return P.NA
    return P.NA / (1.0 + P.g_A * p * ufl.exp(P.EA - P.lnNv))


def space_charge(n, p, P: CellParameters, incomplete: bool, extra=0.0):
    """Scaled charge density ``(p - n + N_D+ - N_A- + extra) / C0`` (``extra``: ions etc.)."""
    return p - n + ionised_donors(n, P, incomplete) - ionised_acceptors(p, P, incomplete) + extra


def poisson_residual(u, test, rho, P: CellParameters, dx_flux, dx_lumped):
    """Weak form of ``-div(lam2 eps_r grad u) = rho``.

    Args:
        u: Scaled potential.
        test: Test function.
        rho: Scaled space charge.
        P: Coefficients.
        dx_flux: Measure for the flux term.
        dx_lumped: Vertex (lumped) measure for the charge term.
    """
    return (P.lam2 * P.eps_r * ufl.inner(ufl.grad(u), ufl.grad(test)) * dx_flux
            - rho * test * dx_lumped)
