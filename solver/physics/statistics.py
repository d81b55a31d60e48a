"""Carrier statistics as UFL expressions of the reduced Fermi level ``eta = (E_F - E_c)/kT``.

Boltzmann: ``n / Nc = exp(eta)``. Fermi-Dirac: ``n / Nc = F_1/2(eta)`` with the
Aymerich-Humet (1981) analytic approximation (relative error < 0.5 % for all eta), which is smooth
and has the exact Boltzmann limit, so Newton's Jacobian is well defined everywhere.
"""

from __future__ import annotations

import math

import numpy as np

import ufl

_AH = 3.0 * math.sqrt(math.pi) / 4.0


def _ah_nu(eta, exp):
    """The Aymerich-Humet polynomial ``nu(eta)``, with ``exp`` from NumPy or UFL."""
    return eta**4 + 50.0 + 33.6 * eta * (1.0 - 0.68 * exp(-0.17 * (eta + 1.0) ** 2))


def fd_half_np(eta: np.ndarray | float) -> np.ndarray:
    """Normalised Fermi-Dirac integral F_1/2(eta) (Aymerich-Humet approximation), NumPy."""
    eta = np.asarray(eta, dtype=float)
    return 1.0 / (np.exp(-eta) + _AH * _ah_nu(eta, np.exp) ** (-3.0 / 8.0))


def log_fd_half_np(eta: np.ndarray | float) -> np.ndarray:
    """``ln F_1/2(eta)``, overflow-free for any eta (NumPy twin of :func:`log_density`)."""
    eta = np.asarray(eta, dtype=float)
    scale = _AH * _ah_nu(eta, np.exp) ** (-3.0 / 8.0)
    return eta - np.log1p(scale * np.exp(np.minimum(eta, 700.0)))


def log_density_np(eta: np.ndarray | float, lnN: np.ndarray | float,
                   statistics: str) -> np.ndarray:
    """NumPy twin of :func:`log_density`: ``ln(n / C0)`` (arrays or floats)."""
    if statistics == "boltzmann":
        return np.asarray(eta, dtype=float) + lnN
    return lnN + log_fd_half_np(eta)


def log_density(eta: ufl.core.expr.Expr, lnN: ufl.core.expr.Expr,
                statistics: str) -> ufl.core.expr.Expr:
    """``ln(n / C0)`` for reduced Fermi level ``eta`` and ``lnN = ln(Nc / C0)``.

    Args:
        eta: Reduced Fermi level (dimensionless).
        lnN: Log of the scaled effective density of states.
        statistics: 'boltzmann' or 'fermi-dirac'.
    """
    if statistics == "boltzmann":
        return eta + lnN
    # ln F_1/2 = eta - ln(1 + c nu^-3/8 e^eta): stable for very negative eta (wide gaps)
    return lnN + eta - ufl.ln(1.0 + _AH * _ah_nu(eta, ufl.exp) ** (-3.0 / 8.0) * ufl.exp(eta))
