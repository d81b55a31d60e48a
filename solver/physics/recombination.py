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


def srh(n, p, v, w, P: CellParameters):
    """Shockley-Read-Hall rate ``(np - ni^2) / (tau_p (n + n1) + tau_n (p + p1))``."""
    denom = P.tau_p * (n + ufl.exp(P.ln_n1)) + P.tau_n * (p + ufl.exp(P.ln_p1))
    return excess_product(v, w, P) / denom


def deep_defects(n, p, v, w, P: CellParameters, enhancement: tuple = (1.0, 1.0)):
    """SRH rate of a film's deep defect level (density N_t, level E_t), field-enhanced.

    ``(np - ni^2) / (tau_t (n + n1t) / g_p + tau_t (p + p1t) / g_n)`` with
    ``tau_t = 1 / (sigma v_th N_t)`` (coefficient ``inv_tau_t = 1 / tau_t``, 0 where a layer
    has no such defects) and ``g = 1 + Gamma`` the trap-assisted tunnelling / Poole-Frenkel
    enhancement of :mod:`solver.physics.tunnelling` (1 when those are off).
    """
    g_n, g_p = enhancement
    denom = (n + ufl.exp(P.ln_n1t)) / g_p + (p + ufl.exp(P.ln_p1t)) / g_n
    return P.inv_tau_t * excess_product(v, w, P) / denom


def radiative(n, p, v, w, P: CellParameters):
    """Band-to-band radiative rate ``B (np - ni^2)``."""
    return P.B_rad * excess_product(v, w, P)


def auger(n, p, v, w, P: CellParameters):
    """Auger rate ``(C_n n + C_p p)(np - ni^2)``."""
    return (P.C_n * n + P.C_p * p) * excess_product(v, w, P)


MODELS = {"srh": srh, "radiative": radiative, "auger": auger}


def net_recombination(terms: tuple[str, ...], n, p, v, w, P: CellParameters,
                      enhancement: tuple | None = None):
    """Sum of the selected recombination terms (0 if none).

    With ``enhancement`` (a tuple, possibly ``(1, 1)``) the films' deep-defect channel
    (:func:`deep_defects`) is added to SRH, its emission enhanced by the field.
    """
    rate = 0.0
    for name in terms:
        rate = rate + MODELS[name](n, p, v, w, P)
        if name == "srh" and enhancement is not None:
            rate = rate + deep_defects(n, p, v, w, P, enhancement)
    return rate
