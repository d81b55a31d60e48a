"""Thermionic emission across an abrupt heterointerface, as a thin interface cell.

Drift-diffusion with continuous quasi-Fermi levels is wrong at an abrupt band-offset spike: the
flux over the spike is limited by thermionic emission (Silvaco and Charon offer the same model).
Here the boundary node is doubled and a cell of width delta (1e-3 of its neighbour) joins the
two layers. In that cell the band edges are those of the barrier top (electrons: the larger
E_c, i.e. the smaller affinity; holes: the smaller E_v) and the mobility is chosen so that the
cell's Scharfetter-Gummel current equals the thermionic one exactly (as delta -> 0):

    J_n = -q v_r Nc_top exp(-(E_c,top - E_F)/kT) [exp(E_Fn,L/kT) - exp(E_Fn,R/kT)] ...

The SG current of a cell of scaled width h is ``-(2 mu / (beta h)) n_mid sinh(beta dv/2)``
(``G(beta du) = 1`` for a vanishing cell) and the thermionic one is
``-2 v_r_hat n_top,mid sinh(beta dv/2)``, so ``mu_eff = beta h v_r_hat`` with
``v_r = A* T^2 / (q N_top)`` the Richardson velocity of the barrier side.
The cell holds no dopants and no recombination; its Poisson term is a tiny series capacitance.
"""

from __future__ import annotations

from ..constants import T_REF, q
from ..materials import BandState
from .scaling import Scaling


def thermionic_cell_values(left: dict[str, float], right: dict[str, float], sl: BandState,
                           sr: BandState, width: float, s: Scaling) -> dict[str, float]:
    """Coefficients of an interface cell between layers with values ``left`` and ``right``.

    Args:
        left: Dimensionless coefficients of the left layer (``layer_values``).
        right: Same for the right layer.
        sl: Band parameters of the left layer.
        sr: Band parameters of the right layer.
        width: Scaled cell width (delta / L0).
        s: Scaling.
    """
    T = sl.T
    beta = T_REF / T
    # electrons: barrier top = smaller affinity; holes: barrier top = larger chi + Eg
    ne, nv = (sl, left) if sl.chi <= sr.chi else (sr, right)
    pe, pv = (sl, left) if sl.chi + sl.Eg >= sr.chi + sr.Eg else (sr, right)
    v_n = ne.A_n * T**2 / (q * ne.Nc) * s.L0 / (s.mu0 * s.V_ref)
    v_p = pe.A_p * T**2 / (q * pe.Nv) * s.L0 / (s.mu0 * s.V_ref)
    out = dict(left)
    out.update({
        "eps_r": 0.5 * (sl.eps_r + sr.eps_r),
        "lnNc": nv["lnNc"], "eta_n": nv["eta_n"], "lnNv": pv["lnNv"], "eta_p": pv["eta_p"],
        "ND": 0.0, "NA": 0.0, "mu_n": beta * width * v_n, "mu_p": beta * width * v_p,
        "tau_n": 1e300, "tau_p": 1e300, "B_rad": 0.0, "C_n": 0.0, "C_p": 0.0,
        "semi": 1.0, "N_fixed": 0.0,
    })
    out["ln_n1"] = out["ln_p1"] = 0.5 * (out["eta_n"] + out["eta_p"])
    for k in out:
        if k.startswith(("c0_", "D_")):
            out[k] = 0.0
    return out
