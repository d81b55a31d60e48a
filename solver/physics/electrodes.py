"""Electrode boundary terms (scaled weak-form contributions).

- Stern (compact) layer: the metal potential drops across a capacitance C_S before the
  electrolyte surface: ``eps grad(psi) . n_out = C_S (psi_M - psi)`` (a Robin condition on
  Poisson instead of pinning psi). Needed because LLZTO's Debye length (~0.16 nm) is below a
  lattice spacing: the compact layer, not the diffuse one, carries most of the drop.
- Thermionic electron / hole exchange with a metal whose Fermi level is ``E_F = -q V``:
  ``J_n . n_out = -q v_n (n - n_M)`` with ``n_M`` the density in equilibrium with the metal at
  the local band edge (the same expression for Schottky and electrolyte contacts).
- Butler-Volmer for Li+ at a Li metal electrode: ``i = i0 [exp(a_a eta/V_T) - exp(-a_c eta/V_T)]``
  with the overpotential between the metal and the ion electrochemical potential,
  ``eta = V - V_ref (xi_s - xi_eq)``; i > 0 (stripping) releases Li+ into the electrolyte.
"""

from __future__ import annotations

import ufl


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
