"""Field enhancement of generation-recombination through the deep defects of amorphous films.

A film's deep defect level (density N_t at E_t, :func:`solver.physics.recombination.deep_defects`)
exchanges carriers with the bands faster in a strong field: both laws multiply its emission and
capture rates by ``1 + Gamma(F)``, i.e. its lifetimes become ``tau_t / (1 + Gamma)`` (detailed
balance is kept: the rate still vanishes at equilibrium). They act only where a layer's material
has the coefficients; the layer's ordinary SRH lifetime (band-tail recombination) is not
enhanced.

- Hurkx trap-assisted tunnelling (Hurkx, de Graaff, Kloosterman, Knuvers, IEEE TED 39, 331
  (1992)): carriers tunnel from the trap into the band through the field-tilted barrier,

      Gamma = a int_0^1 exp(a u - K u^{3/2}) du,  a = dE / kT,
      K = (4/3) sqrt(2 m_t dE^3) / (q hbar |F|),

  ``dE`` the trap-to-band energy (E_c - E_t for electrons, E_t - E_v for holes), ``m_t`` the
  tunnelling mass. The integral is evaluated for every field by Gauss-Legendre quadrature
  (:data:`NODES` points) on a window around the integrand's maximum (tested against adaptive
  quadrature to 1e-6 of 1 + Gamma). For small fields it reduces to
  Hurkx's ``Gamma ~ 2 sqrt(3 pi) (F/F_G) exp((F/F_G)^2)``, ``F_G = sqrt(24 m_t (kT)^3)/(q hbar)``.
- Poole-Frenkel emission: the Coulombic barrier of a charged trap is lowered by
  ``beta sqrt(F)``, ``beta = sqrt(q^3 / (pi eps0 eps_PF))`` (eps_PF the high-frequency
  permittivity), so ``1 + Gamma_PF = exp(beta sqrt(F) / kT)``: in a generation-limited film
  ``ln J`` rises linearly with ``sqrt(F)`` with slope ``beta / kT``.

In scaled units the field is ``|grad u|`` (``F = |grad u| V_ref / L0``); the coefficients are
``tat_a* = dE/kT``, ``tat_k* = (4/3) sqrt(2 m_t dE^3)/(q hbar) / E0`` and
``pf_b = sqrt(q E0 / (pi eps0 eps_PF)) / V_T``, all zero where a law does not apply.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

import ufl

from ..constants import eps0, hbar, k_B, m0, q
from .generation import field_magnitude

if TYPE_CHECKING:
    from ..device.coefficients import CellParameters

#: Gauss-Legendre points of the Hurkx integral (in s = exp(a (u - 1)))
NODES = 24
_X, _W = np.polynomial.legendre.leggauss(NODES)


def hurkx_coefficients(dE: float, mass_ratio: float, kT: float, E0: float) -> tuple[float, float]:
    """Scaled Hurkx coefficients ``(a, kappa)`` of one carrier: ``a = dE/kT``, ``K = kappa/|F|``.

    Args:
        dE: Trap-to-band energy (J).
        mass_ratio: Tunnelling mass over the free-electron mass (0: no tunnelling).
        kT: Thermal energy (J).
        E0: Field scale of the scaled equations (V/m).
    """
    if mass_ratio <= 0 or dE <= 0:
        return 0.0, 0.0
    kappa = 4.0 / 3.0 * math.sqrt(2.0 * mass_ratio * m0 * dE**3) / (q * hbar)  # V/m
    return dE / kT, kappa / E0


def poole_frenkel_coefficient(eps_pf: float, T: float, E0: float) -> float:
    """Scaled Poole-Frenkel coefficient: ``beta sqrt(F) / kT = pf_b sqrt(|F| / E0)``.

    Args:
        eps_pf: High-frequency relative permittivity of the film (0: no Poole-Frenkel).
        T: Temperature (K).
        E0: Field scale (V/m).
    """
    if eps_pf <= 0:
        return 0.0
    return math.sqrt(q * E0 / (math.pi * eps0 * eps_pf)) * q / (k_B * T)


def _hurkx_sum(a, K, lib):
    """``Gamma`` by the windowed quadrature of the module docstring; ``lib`` is NumPy or UFL.

    The integrand ``exp(phi(u))``, ``phi = a u - K u^1.5``, is unimodal on [0, 1]: its maximum
    sits at ``u_p = min(1, (2a / 3K)^2)``. The window spans ``8 / sqrt(-phi''(u_p))`` on each
    side (``+30 / phi'(1)`` when the maximum is the end point, where phi still rises, and the
    decay length ``(40 / K)^(2/3)`` of ``exp(-K u^1.5)`` for weak fields), clipped to
    [0, 1]; Gauss-Legendre of :data:`NODES` points on it in ``t = sqrt(u)`` (smooth at u = 0),
    relative to ``exp(phi(u_p))``.
    Where ``a = 0`` (no tunnelling) Gamma is exactly 0.
    """
    if lib is np:
        exp, sqrt, lo_, hi_ = np.exp, np.sqrt, np.maximum, np.minimum
        cond = np.where
        a_pos = np.maximum(a, 1e-300)
        K_pos = np.maximum(K, 1e-300)
    else:
        exp, sqrt, lo_, hi_ = ufl.exp, ufl.sqrt, ufl.max_value, ufl.min_value
        cond = ufl.conditional
        a_pos = ufl.max_value(a, 1e-300)
        K_pos = ufl.max_value(K, 1e-300)
    r = 2.0 * a_pos / (3.0 * K_pos)
    u_p = hi_(r * r, 1.0)
    root = sqrt(u_p)
    curvature = 0.75 * K_pos / lo_(root, 1e-150)
    slope = lo_(a_pos - 1.5 * K_pos * root, 0.0)
    gt = (r > 1.0) if lib is np else ufl.gt(r, 1.0)  # the maximum is the end point u = 1
    tail = cond(gt, 30.0 / lo_(slope, 1e-300), 0.0)
    width = 8.0 / sqrt(curvature) + tail + (40.0 / K_pos) ** (2.0 / 3.0)  # + decay of K u^1.5
    t_lo = sqrt(lo_(u_p - width, 1e-300))  # in t = sqrt(u) the integrand 2t exp(a t^2 - K t^3)
    t_hi = sqrt(hi_(u_p + width, 1.0))  # is smooth down to u = 0
    half = 0.5 * (t_hi - t_lo)
    peak = a_pos * u_p - K_pos * u_p * root
    total = 0.0
    for x, w in zip(_X, _W, strict=True):
        t = t_lo + half * (float(x) + 1.0)
        total = total + float(w) * 2.0 * t * exp(a_pos * t * t - K_pos * t * t * t - peak)
    on = (a > 0) if lib is np else ufl.gt(a, 0.0)
    return cond(on, a_pos * half * total * exp(peak), 0.0)


def hurkx_gamma_np(a: np.ndarray | float, K: np.ndarray | float) -> np.ndarray:
    """NumPy twin of :func:`hurkx_gamma` (same quadrature), for tests and read-outs.

    Args:
        a: ``dE / kT``.
        K: ``(4/3) sqrt(2 m_t dE^3) / (q hbar |F|)``.
    """
    return _hurkx_sum(np.asarray(a, dtype=float), np.asarray(K, dtype=float), np)


def hurkx_gamma(u, a, kappa):
    """UFL Hurkx enhancement ``Gamma`` (cell-wise) for coefficients ``a``, ``kappa`` (0: none)."""
    return _hurkx_sum(a, kappa / field_magnitude(u), ufl)


def poole_frenkel_factor(u, b):
    """UFL ``1 + Gamma_PF = exp(b sqrt(|grad u|))`` (1 where ``b = 0``)."""
    return ufl.exp(b * ufl.sqrt(field_magnitude(u)))


def enhancement(u, P: CellParameters, tat: bool, pf: bool):
    """``(1 + Gamma_n, 1 + Gamma_p)`` of the deep-defect lifetimes (UFL; ``(1, 1)`` if off)."""
    g_n, g_p = 1.0, 1.0
    if tat:
        g_n = g_n + hurkx_gamma(u, P.tat_an, P.tat_kn)
        g_p = g_p + hurkx_gamma(u, P.tat_ap, P.tat_kp)
    if pf:
        f = poole_frenkel_factor(u, P.pf_b)
        g_n, g_p = g_n * f, g_p * f
    return g_n, g_p
