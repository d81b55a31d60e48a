"""Mobile ions in solid electrolytes (scaled units), as UFL expressions.

Each species k has an electrochemical potential ``xi_k`` (scaled like the potential, units of
kT_ref/q) as unknown, the ion analogue of a quasi-Fermi potential. With
``a_k = exp(z_k beta (xi_k - u))``

    c_k = c0_k a_k / (1 + sum_j (c0_j / c_max) (a_j - 1))        (Bikerman finite-site limit)

which is Boltzmann when no site density is given (``inv_cmax = 0``); ``c_k = c0_k`` where
``xi_k = u``. The flux is
``N_k = -D_k c_k grad(ln c_k + z_k beta u) = -z_k beta D_k c_k grad(xi_k)`` (Nernst-Planck,
with the lattice-gas entropy when site-limited), discretised with the same Scharfetter-Gummel
quasi-Fermi form as the carriers. The immobile framework carries the background
``N_fixed = sum_k z_k c0_k`` that keeps the bulk neutral.

In equilibrium (and at DC steady state with ion-blocking electrodes, for a pellet much thicker
than its double layers) ``xi_k`` is the constant bulk potential ``u_ion``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ufl

from .carriers import edge_flux

if TYPE_CHECKING:  # coefficients are the device's; the laws only read them
    from ..device.coefficients import CellParameters
    from .edges import EdgeGeometry


def _activities(u, xis: dict, P: CellParameters) -> dict:
    return {name: ufl.exp(z * P.beta * (xis[name] - u)) for name, z in P.species}


def concentrations(u, xis: dict, P: CellParameters) -> dict[str, ufl.core.expr.Expr]:
    """Scaled concentration of each species for electrochemical potentials ``xis``."""
    act = _activities(u, xis, P)
    denom = 1.0
    for name, _ in P.species:
        denom = denom + P.f[f"c0_{name}"] * P.inv_cmax * (act[name] - 1.0)
    return {name: P.f[f"c0_{name}"] * act[name] / denom for name, _ in P.species}


def equilibrium_concentrations(u, P: CellParameters) -> dict[str, ufl.core.expr.Expr]:
    """Concentrations with every ``xi_k`` at the bulk-neutral potential ``u_ion``."""
    return concentrations(u, {name: P.u_ion for name, _ in P.species}, P)


def ion_charge(conc: dict, P: CellParameters):
    """Scaled ionic space charge ``sum_k z_k c_k - N_fixed`` (0 without species)."""
    if not P.species:
        return 0.0
    return sum(z * conc[name] for name, z in P.species) - P.N_fixed


def equilibrium_ion_charge(u, P: CellParameters):
    """Scaled ionic space charge at equilibrium."""
    return ion_charge(equilibrium_concentrations(u, P), P)


def ion_flux(u, xis: dict, name: str, z: int, test, P: CellParameters, geo: EdgeGeometry):
    """Electric flux term ``-J_k . grad(test)`` of species ``name`` (scaled), EAFE / SG.

    Along each edge ``J = -z^2 mu c_mid d(xi) G(z beta d(xi)) / G(d(drift))`` with the ion
    mobility ``mu = beta D`` (Einstein) and the drift ``ln c - z beta xi`` (= -z beta u plus the
    site-exclusion term).
    """
    c = concentrations(u, xis, P)[name]
    drift = ufl.ln(ufl.max_value(c, 1e-300)) - z * P.beta * xis[name]

    def ln_c(shift):
        us = u + ufl.dot(ufl.grad(u), shift)
        xs = {k: x + ufl.dot(ufl.grad(x), shift) for k, x in xis.items()}
        return ufl.ln(ufl.max_value(concentrations(us, xs, P)[name], 1e-300))

    mobility = z * P.beta * P.f[f"D_{name}"]
    return edge_flux(P, geo, mobility, ln_c, z * xis[name], drift, test)
