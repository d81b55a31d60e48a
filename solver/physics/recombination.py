"""Bulk recombination rates (scaled by R0) as UFL expressions.

All terms share the factor ``n p - n_i^2 = n_i^2 (exp(beta (w - v)) - 1)``, written in
quasi-Fermi form so that it vanishes exactly at equilibrium (flat quasi-Fermi levels), whatever
the size of n and p.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ufl

if TYPE_CHECKING:  # coefficients are the device's; the laws only read them
    from ..device.coefficients import CellParameters



def excess_product(v, w, P: CellParameters):
    """``(n p - n_i^2) / C0^2``."""
    return ufl.exp(P.eta_n + P.eta_p) * (ufl.exp(P.beta * (w - v)) - 1.0)


def srh(n, p, v, w, P: CellParameters, enhancement: tuple = (None, None)):
    """Shockley-Read-Hall rate ``(np - ni^2) / (tau_p (n + n1) + tau_n (p + p1))``.

    ``enhancement = (1 + Gamma_n, 1 + Gamma_p)`` (field-enhanced trap emission, see
    :mod:`solver.physics.tunnelling`) divides the lifetimes: ``tau -> tau / (1 + Gamma)``.
    """
    g_n, g_p = enhancement
    tau_n = P.tau_n if g_n is None else P.tau_n / g_n
    tau_p = P.tau_p if g_p is None else P.tau_p / g_p
    denom = tau_p * (n + ufl.exp(P.ln_n1)) + tau_n * (p + ufl.exp(P.ln_p1))
    return excess_product(v, w, P) / denom


def radiative(n, p, v, w, P: CellParameters):
    """Band-to-band radiative rate ``B (np - ni^2)``."""
    return P.B_rad * excess_product(v, w, P)


def auger(n, p, v, w, P: CellParameters):
    """Auger rate ``(C_n n + C_p p)(np - ni^2)``."""
    return (P.C_n * n + P.C_p * p) * excess_product(v, w, P)


MODELS = {"srh": srh, "radiative": radiative, "auger": auger}


def net_recombination(terms: tuple[str, ...], n, p, v, w, P: CellParameters,
                      enhancement: tuple = (None, None)):
    """Sum of the selected recombination terms (0 if none); SRH with its field enhancement."""
    rate = 0.0
    for name in terms:
        if name == "srh":
            rate = rate + srh(n, p, v, w, P, enhancement)
        else:
            rate = rate + MODELS[name](n, p, v, w, P)
    return rate
