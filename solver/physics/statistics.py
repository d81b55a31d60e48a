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


def fd_half(eta: ufl.core.expr.Expr) -> ufl.core.expr.Expr:
    """Normalised Fermi-Dirac integral F_1/2(eta) (Aymerich-Humet approximation)."""
    nu = eta**4 + 50.0 + 33.6 * eta * (1.0 - 0.68 * ufl.exp(-0.17 * (eta + 1.0) ** 2))
    return 1.0 / (ufl.exp(-eta) + _AH * nu ** (-3.0 / 8.0))


def fd_half_np(eta: np.ndarray | float) -> np.ndarray:
    """NumPy twin of :func:`fd_half`."""
    eta = np.asarray(eta, dtype=float)
    nu = eta**4 + 50.0 + 33.6 * eta * (1.0 - 0.68 * np.exp(-0.17 * (eta + 1.0) ** 2))
    return 1.0 / (np.exp(-eta) + _AH * nu ** (-3.0 / 8.0))


def log_fd_half_np(eta: np.ndarray | float) -> np.ndarray:
    """``ln F_1/2(eta)``, overflow-free for any eta (NumPy twin of :func:`log_density`)."""
    eta = np.asarray(eta, dtype=float)
    nu = eta**4 + 50.0 + 33.6 * eta * (1.0 - 0.68 * np.exp(-0.17 * (eta + 1.0) ** 2))
    return eta - np.log1p(_AH * nu ** (-3.0 / 8.0) * np.exp(np.minimum(eta, 700.0)))


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
    nu = eta**4 + 50.0 + 33.6 * eta * (1.0 - 0.68 * ufl.exp(-0.17 * (eta + 1.0) ** 2))
    return lnN + eta - ufl.ln(1.0 + _AH * nu ** (-3.0 / 8.0) * ufl.exp(eta))
