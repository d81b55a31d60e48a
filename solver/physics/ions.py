"""Mobile ions in solid electrolytes (scaled), as UFL expressions.

Equilibrium (and DC steady state with ion-blocking electrodes, for a pellet much thicker than its
double layers): every species has a constant electrochemical potential, pinned where the bulk is
neutral, so with ``a_k = exp(-z_k beta (u - u_ion))``

    c_k = c0_k a_k / (1 + sum_j (c0_j / c_max) (a_j - 1))        (Bikerman finite-site limit)

which reduces to Boltzmann when no site density is given (``inv_cmax = 0``). The immobile garnet
framework carries the background ``N_fixed = sum_k z_k c0_k`` that keeps the bulk neutral.
"""

from __future__ import annotations

import ufl

from .parameters import CellParameters


def equilibrium_concentrations(u, P: CellParameters) -> dict[str, ufl.core.expr.Expr]:
    """Scaled equilibrium concentration of each species (0 outside electrolytes)."""
    act = {name: ufl.exp(-z * P.beta * (u - P.u_ion)) for name, z in P.species}
    denom = 1.0
    for name, _ in P.species:
        denom = denom + P.f[f"c0_{name}"] * P.inv_cmax * (act[name] - 1.0)
    return {name: P.f[f"c0_{name}"] * act[name] / denom for name, _ in P.species}


def equilibrium_ion_charge(u, P: CellParameters):
    """Scaled ionic space charge ``sum_k z_k c_k - N_fixed`` at equilibrium."""
    if not P.species:
        return 0.0
    conc = equilibrium_concentrations(u, P)
    return sum(z * conc[name] for name, z in P.species) - P.N_fixed
