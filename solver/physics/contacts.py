"""Contact boundary values and boundary terms.

- Ohmic: charge neutrality and equilibrium at the contact: ``u = u_neutral + V``, ``v = w = V``.
- Schottky: the vacuum level is pinned by the metal work function,
  ``psi = V - Phi_m / q + chi_ref / q``; carriers leave by thermionic emission,
  ``J_n . n_out = -q v_n (n - n0)``, ``J_p . n_out = q v_p (p - p0)``, with
  ``n0 = Nc exp(-(Phi_m - chi) / kT)`` and ``v = A* T^2 / (q Nc)`` unless given.
"""

from __future__ import annotations

import math

from scipy.optimize import brentq

import ufl

from ..constants import k_B, q
from .statistics import log_fd_half_np


def _ln_density(eta: float, lnN: float, statistics: str) -> float:
    if statistics == "boltzmann":
        return eta + lnN
    return lnN + float(log_fd_half_np(eta))


def neutral_potential(c: dict[str, float], beta: float, statistics: str = "boltzmann",
                      incomplete: bool = False) -> float:
    """Scaled potential ``u`` at which a layer is neutral with ``v = w = 0``.

    Args:
        c: Layer coefficients (see :func:`solver.physics.parameters.layer_values`).
        beta: ``T_ref / T``.
        statistics: 'boltzmann' or 'fermi-dirac'.
        incomplete: Incomplete dopant ionisation.

    Returns:
        The potential in units of V_ref.
    """
    net = c["ND"] - c["NA"]
    if statistics == "boltzmann" and not incomplete:
        # n - p = net with n = e^(bu + eta_n), p = e^(-bu + eta_p): a quadratic in e^(bu)
        half = 0.5 * (c["eta_n"] + c["eta_p"])  # ln n_i
        x = net / (2.0 * math.exp(half)) if half > -700 else math.copysign(1e300, net or 1.0)
        # b u = ln(n_i / e^eta_n) + asinh(net / 2 n_i)
        return (half - c["eta_n"] + math.asinh(x)) / beta

    def rho(bu: float) -> float:
        ln_n = _ln_density(bu + c["eta_n"] - c["lnNc"], c["lnNc"], statistics)
        ln_p = _ln_density(-bu + c["eta_p"] - c["lnNv"], c["lnNv"], statistics)
        nd, na = c["ND"], c["NA"]
        if incomplete:
            nd = nd / (1.0 + c["g_D"] * math.exp(min(ln_n - c["lnNc"] + c["ED"], 700.0)))
            na = na / (1.0 + c["g_A"] * math.exp(min(ln_p - c["lnNv"] + c["EA"], 700.0)))
        return math.exp(min(ln_p, 700)) - math.exp(min(ln_n, 700)) + nd - na

    lo, hi = -c["eta_n"] - 800.0, -c["eta_n"] + 800.0
    lo = max(lo, c["eta_p"] - 700.0)
    hi = min(hi, 700.0 - c["eta_n"])
    return brentq(rho, lo, hi, xtol=1e-14, maxiter=500) / beta


def schottky_potential(workfunction: float, chi_ref: float, V_ref: float) -> float:
    """Scaled equilibrium potential at a Schottky contact, ``(chi_ref - Phi_m) / (q V_ref)``.

    Args:
        workfunction: Metal work function (J).
        chi_ref: Energy reference of the scaling (J).
        V_ref: Potential scale (V).
    """
    return (chi_ref - workfunction) / (q * V_ref)


def thermionic_velocity(A_star: float, T: float, N_eff: float) -> float:
    """Thermionic recombination velocity ``A* T^2 / (q N)`` (m/s).

    Args:
        A_star: Effective Richardson constant (A/m^2K^2).
        T: Temperature (K).
        N_eff: Effective density of states of the band (m^-3).
    """
    return A_star * T**2 / (q * N_eff)


def equilibrium_log_densities(workfunction: float, chi: float, Eg: float, lnNc: float,
                              lnNv: float, T: float) -> tuple[float, float]:
    """``ln(n0 / C0)``, ``ln(p0 / C0)`` at a Schottky contact (Boltzmann)."""
    kT = k_B * T
    return lnNc - (workfunction - chi) / kT, lnNv - (chi + Eg - workfunction) / kT


def thermionic_terms(n, p, ln_n0, ln_p0, vn, vp, phi_n, phi_p, ds):
    """Residual terms of Schottky carrier exchange for the electron and hole equations.

    Args:
        n: Scaled electron density.
        p: Scaled hole density.
        ln_n0: ln of the scaled equilibrium electron density at the contact (Constant).
        ln_p0: ln of the scaled equilibrium hole density (Constant).
        vn: Scaled electron recombination velocity (Constant).
        vp: Scaled hole recombination velocity (Constant).
        phi_n: Test function of the electron equation.
        phi_p: Test function of the hole equation.
        ds: Boundary measure restricted to the contact.
    """
    return (-vn * (n - ufl.exp(ln_n0)) * phi_n * ds
            + vp * (p - ufl.exp(ln_p0)) * phi_p * ds)
