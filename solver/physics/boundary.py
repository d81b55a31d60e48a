"""Contact and electrode laws: boundary values and boundary terms (scaled units).

- Ohmic: charge neutrality and equilibrium at the contact: ``u = u_neutral + V``, ``v = w = V``.
- Schottky: the vacuum level is pinned by the metal work function,
  ``psi = V - Phi_m / q + chi_ref / q``; carriers leave by thermionic emission,
  ``J_n . n_out = -q v_n (n - n_M)``, ``J_p . n_out = q v_p (p - p_M)``, with ``n_M`` the density
  in equilibrium with the metal Fermi level at the local band edge and ``v = A* T^2 / (q Nc)``
  unless given (the same exchange for ion-blocking and Li metal electrodes).
- Stern (compact) layer: the metal potential drops across a capacitance C_S before the
  electrolyte surface: ``eps grad(psi) . n_out = C_S (psi_M - psi)`` (a Robin condition on
  Poisson instead of pinning psi). Needed because LLZTO's Debye length (~0.16 nm) is below a
  lattice spacing: the compact layer, not the diffuse one, carries most of the drop.
- Butler-Volmer for Li+ at a Li metal electrode: ``i = i0 [exp(a_a eta/V_T) - exp(-a_c eta/V_T)]``
  with the overpotential between the metal and the ion electrochemical potential,
  ``eta = V - V_ref (xi_s - xi_eq)``; i > 0 (stripping) releases Li+ into the electrolyte.

Which law applies at which contact is the contact kind's business (:mod:`solver.contacts`).
"""

from __future__ import annotations

import math

import ufl

from ..constants import q
from ..numerics.roots import bracketed_root
from .statistics import log_density_np


def neutral_potential(c: dict[str, float], beta: float, statistics: str = "boltzmann",
                      incomplete: bool = False) -> float:
    """Scaled potential ``u`` at which a layer is neutral with ``v = w = 0``.

    Args:
        c: Layer coefficients (see :func:`solver.device.coefficients.layer_values`).
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
        ln_n = _ln_density_f(bu + c["eta_n"] - c["lnNc"], c["lnNc"], statistics)
        ln_p = _ln_density_f(-bu + c["eta_p"] - c["lnNv"], c["lnNv"], statistics)
        nd, na = c["ND"], c["NA"]
        if incomplete:
            nd = nd / (1.0 + c["g_D"] * math.exp(min(ln_n - c["lnNc"] + c["ED"], 700.0)))
            na = na / (1.0 + c["g_A"] * math.exp(min(ln_p - c["lnNv"] + c["EA"], 700.0)))
        return math.exp(min(ln_p, 700)) - math.exp(min(ln_n, 700)) + nd - na

    lo, hi = -c["eta_n"] - 800.0, -c["eta_n"] + 800.0
    lo = max(lo, c["eta_p"] - 700.0)
    hi = min(hi, 700.0 - c["eta_n"])
    return bracketed_root(rho, lo, hi, xtol=1e-14) / beta


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


def _ln_density_f(eta: float, lnN: float, statistics: str) -> float:
    return float(log_density_np(eta, lnN, statistics))


def stern_term(u, u_metal, c_stern, test, ds):
    """Poisson boundary term ``-C_S (u_M - u) test`` (scaled ``C_S V_ref / (q C0 L0)``)."""
    return -c_stern * (u_metal - u) * test * ds


def thermionic_terms(n, n_metal, p, p_metal, vn, vp, test_n, test_p, ds):
    """Carrier exchange with a metal for the electron and hole equations.

    Args:
        n: Scaled electron density at the surface.
        n_metal: Scaled density in equilibrium with the metal Fermi level at the same band edge.
        p: Scaled hole density.
        p_metal: Hole analogue of ``n_metal``.
        vn: Scaled electron recombination velocity.
        vp: Scaled hole recombination velocity.
        test_n: Test function of the electron equation.
        test_p: Test function of the hole equation.
        ds: Boundary measure of the contact.
    """
    return -vn * (n - n_metal) * test_n * ds + vp * (p - p_metal) * test_p * ds


def butler_volmer_current(xi_s, xi_eq, v_metal, beta, i0, alpha_a, alpha_c):
    """Scaled anodic current density (metal -> electrolyte Li+ release), ``i / J0``.

    Args:
        xi_s: Ion electrochemical potential at the surface (scaled).
        xi_eq: Its value in equilibrium with the metal at zero bias (scaled).
        v_metal: Scaled metal Fermi potential (bias / V_ref).
        beta: T_ref / T.
        i0: Scaled exchange current density.
        alpha_a: Anodic transfer coefficient.
        alpha_c: Cathodic transfer coefficient.
    """
    eta = beta * (v_metal - (xi_s - xi_eq))
    return i0 * (ufl.exp(alpha_a * eta) - ufl.exp(-alpha_c * eta))
