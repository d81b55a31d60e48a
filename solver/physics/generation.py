"""Field-driven carrier generation for reverse breakdown (scaled, per element).

- Impact ionisation, van Overstraeten - de Man:
  ``G_ii = alpha_n |J_n| / q + alpha_p |J_p| / q``, ``alpha = a exp(-b / |E|)``.
- Band-to-band tunnelling, local Kane model (Silvaco BBT.STD form) made a net rate with the
  Hurkx factor so it vanishes at equilibrium (generation in reverse, recombination in forward):
  ``G_btbt = A |E|^2 exp(-B / |E|) (n_i^2 - n p) / ((n + n_i)(p + n_i))``.
Both use the element field ``|E| = |grad psi|`` and element currents, and are integrated with
the midpoint rule; they add electron-hole pairs (negative recombination) to both continuity
equations. Coefficients (scaled, DG0): ``ii_a* = a L0``, ``ii_b* = b L0 / V_ref``,
``bb_A = A E0^2 / R0``, ``bb_B = B / E0`` with ``E0 = V_ref / L0``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ufl

if TYPE_CHECKING:  # coefficients are the device's; the laws only read them
    from ..device.coefficients import CellParameters


_TINY = 1e-30


def field_magnitude(u):
    """Scaled |grad u|, bounded away from zero."""
    return ufl.sqrt(ufl.dot(ufl.grad(u), ufl.grad(u)) + _TINY**2)


def ionisation_coefficients(u, P: CellParameters):
    """Scaled ``(alpha_n, alpha_p) = a exp(-b / |E|)`` (0 where a layer has no coefficients)."""
    E = field_magnitude(u)
    return P.ii_an * ufl.exp(-P.ii_bn / E), P.ii_ap * ufl.exp(-P.ii_bp / E)


def impact_ionisation(u, Jn_abs, Jp_abs, P: CellParameters):
    """Scaled impact-ionisation pair generation rate for current magnitudes ``|J_n|, |J_p|``.

    The solver passes the magnitudes of the previous outer iterate (cell-wise constants): with
    quasi-Fermi unknowns a fully coupled |J| makes Newton overshoot by orders of magnitude in
    regions where the generated carriers are ultra-minority; the lagged fixed point converges
    with rate equal to the ionisation integral and stops converging at avalanche breakdown.
    """
    alpha_n, alpha_p = ionisation_coefficients(u, P)
    return alpha_n * Jn_abs + alpha_p * Jp_abs


def band_to_band(u, n, p, v, w, P: CellParameters):
    """Scaled net band-to-band tunnelling generation rate (Kane x Hurkx factor)."""
    E = field_magnitude(u)
    ni = ufl.exp(0.5 * (P.eta_n + P.eta_p))
    factor = -ufl.exp(P.eta_n + P.eta_p) * (ufl.exp(P.beta * (w - v)) - 1.0) / ((n + ni) * (p + ni))
    return P.bb_A * E * E * ufl.exp(-P.bb_B / E) * factor
