"""Per-layer material data as cell-wise (DG0) coefficients of the forms, and scalar constants.

All values are dimensionless (see :mod:`solver.physics.scaling`). Changing temperature or a
material value only rewrites coefficient arrays: the compiled forms are reused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from dolfinx import fem

from ..case import Case
from ..constants import T_REF, k_B
from ..geometry.mesh import DeviceMesh
from ..materials import BandState, Electrolyte
from ..numerics import compat
from ..physics.boundary import neutral_potential
from ..physics.interfaces import thermionic_cell_values
from ..physics.scaling import Scaling
from ..physics.tunnelling import hurkx_coefficients, poole_frenkel_coefficient

#: names of the cell-wise coefficients
CELL_FIELDS = (
    "eps_r", "lnNc", "lnNv", "eta_n", "eta_p", "ND", "NA", "mu_n", "mu_p", "tau_n", "tau_p",
    "ln_n1", "ln_p1", "B_rad", "C_n", "C_p", "ED", "EA", "g_D", "g_A", "semi",
    "inv_cmax", "u_ion", "N_fixed", "ii_an", "ii_bn", "ii_ap", "ii_bp", "bb_A", "bb_B",
    "tat_an", "tat_kn", "tat_ap", "tat_kp", "pf_b", "inv_tau_t", "ln_n1t", "ln_p1t",
)


def ion_species(case: Case) -> list[tuple[str, int]]:
    """Mobile ion species of all electrolyte layers as ``(name, z)``, in first-seen order."""
    seen: dict[str, int] = {}
    for ly in case.layers:
        mat = case.materials.get(ly.material)
        for ion in getattr(mat, "ions", ()):
            if seen.setdefault(ion.name, ion.z) != ion.z:
                raise ValueError(f"ion '{ion.name}' has different charge numbers in two layers")
    return list(seen.items())


def make_scaling(case: Case, length: float | None = None) -> Scaling:
    """Choose the scales of ``case``: device length, largest density, largest mobility.

    Args:
        case: The case.
        length: Device size (m), e.g. of a 2D mesh; default the stack thickness.
    """
    L0 = length or sum(ly.thickness for ly in case.layers)
    dens = [max(ly.donors, ly.acceptors) for ly in case.layers]
    mus, levels = [], []
    for ly in case.layers:
        mat = case.materials.get(ly.material)
        mus += [mat.mu_n, mat.mu_p]
        levels.append(mat.chi + 0.5 * mat.Eg)
        if isinstance(mat, Electrolyte):
            dens += [i.concentration for i in mat.ions]
    return Scaling(L0=L0, C0=max(max(dens), 1e21), mu0=max(mus), chi_ref=float(np.mean(levels)))


@dataclass
class CellParameters:
    """Dimensionless material coefficients (DG0 functions) and constants of a device.

    Attributes:
        scaling: The scales.
        beta: ``T_ref / T`` (constant).
        lam2: Squared scaled Debye length (constant).
        f: Name -> DG0 function (see :data:`CELL_FIELDS`).
        states: Band parameters of each layer at the current temperature.
        T: Current temperature (K).
        species: Mobile ion species ``(name, z)``; coefficient ``c0_<name>`` is the scaled
            bulk concentration (0 outside electrolytes).
    """

    scaling: Scaling
    beta: fem.Constant
    lam2: fem.Constant
    f: dict[str, fem.Function] = field(default_factory=dict)
    states: list[BandState] = field(default_factory=list)
    T: float = T_REF
    species: list[tuple[str, int]] = field(default_factory=list)

    def __getattr__(self, name: str) -> fem.Function:
        try:
            return self.__dict__["f"][name]
        except KeyError:
            raise AttributeError(name) from None


def create_parameters(case: Case, dm: DeviceMesh, scaling: Scaling) -> CellParameters:
    """Allocate the coefficients of ``case`` on ``dm`` (values: :func:`set_temperature`)."""
    V0 = compat.function_space(dm.mesh, "DG", 0)
    species = ion_species(case)
    names = list(CELL_FIELDS) + [f"{p}_{name}" for name, _ in species for p in ("c0", "D")]
    funcs = {name: fem.Function(V0, name=name) for name in names}
    return CellParameters(scaling=scaling, beta=compat.constant(dm.mesh, 1.0),
                          lam2=compat.constant(dm.mesh, scaling.lam2), f=funcs,
                          species=species)


def layer_values(case: Case, index: int, state: BandState, s: Scaling) -> dict[str, float]:
    """Dimensionless coefficients of layer ``index`` at ``state.T``."""
    ly = case.layers[index]
    kT = k_B * state.T
    R0 = s.R0
    lnNc = math.log(state.Nc / s.C0)
    lnNv = math.log(state.Nv / s.C0)
    half_gap = 0.5 * state.Eg / kT
    values = {
        "eps_r": state.eps_r,
        "lnNc": lnNc,
        "lnNv": lnNv,
        "eta_n": lnNc + (state.chi - s.chi_ref) / kT,
        "eta_p": lnNv - (state.chi + state.Eg - s.chi_ref) / kT,
        "ND": ly.donors / s.C0,
        "NA": ly.acceptors / s.C0,
        "mu_n": state.mu_n / s.mu0,
        "mu_p": state.mu_p / s.mu0,
        "tau_n": state.tau_n * R0 / s.C0,
        "tau_p": state.tau_p * R0 / s.C0,
        "ln_n1": 0.5 * (lnNc + lnNv) - half_gap + state.trap_level / kT,
        "ln_p1": 0.5 * (lnNc + lnNv) - half_gap - state.trap_level / kT,
        "B_rad": state.B_rad * s.C0**2 / R0,
        "C_n": state.C_n * s.C0**3 / R0,
        "C_p": state.C_p * s.C0**3 / R0,
        "ED": state.donor_level / kT,
        "EA": state.acceptor_level / kT,
        "g_D": state.g_D,
        "g_A": state.g_A,
        "semi": 0.0 if case.is_electrolyte(ly) else 1.0,
        **ion_values(case, index, s, state.T),
        **breakdown_values(case, index, s),
        **defect_values(state, s),
    }
    if values["semi"] == 0.0:
        # ions sit at their bulk density where the layer is electronically neutral
        values["u_ion"] = neutral_potential(values, T_REF / state.T)
    return values


def breakdown_values(case: Case, index: int, s: Scaling) -> dict[str, float]:
    """Scaled impact-ionisation and band-to-band coefficients of layer ``index``.

    A layer without coefficients gets zeros: its term vanishes identically, with a finite
    derivative even where the field does (a huge stand-in exponent would give 0 x inf there).
    """
    mat = case.materials.get(case.layers[index].material)
    E0 = s.E0
    return {
        "ii_an": mat.ii_an * s.L0, "ii_bn": mat.ii_bn / E0 if mat.ii_an else 0.0,
        "ii_ap": mat.ii_ap * s.L0, "ii_bp": mat.ii_bp / E0 if mat.ii_ap else 0.0,
        "bb_A": mat.btbt_A * E0**2 / s.R0, "bb_B": mat.btbt_B / E0 if mat.btbt_A else 0.0,
    }


def defect_values(state: BandState, s: Scaling) -> dict[str, float]:
    """Scaled deep-defect channel of a layer: lifetime, emission levels, Hurkx, Poole-Frenkel.

    ``tau_t = 1 / (sigma v_th N_t)`` with ``v_th = 1e7 cm/s (T / 300 K)^1/2``; the level sits
    ``defect_level`` above the intrinsic level, so ``E_c - E_t`` and ``E_t - E_v`` are the
    electron's and the hole's tunnelling energies. Zeros where the film has no such defects.
    """
    kT = k_B * state.T
    if state.defect_density <= 0:
        return {"inv_tau_t": 0.0, "ln_n1t": 0.0, "ln_p1t": 0.0, "tat_an": 0.0, "tat_kn": 0.0,
                "tat_ap": 0.0, "tat_kp": 0.0, "pf_b": 0.0}
    v_th = 1e5 * math.sqrt(state.T / T_REF)  # m/s
    inv_tau = state.defect_cross_section * v_th * state.defect_density  # 1/s
    ln_ni = 0.5 * math.log(state.Nc * state.Nv / s.C0**2) - 0.5 * state.Eg / kT
    Ec_Ei = 0.5 * state.Eg + 0.5 * kT * math.log(state.Nc / state.Nv)
    dEn = Ec_Ei - state.defect_level
    an, kn = hurkx_coefficients(dEn, state.tunnelling_mass, kT, s.E0)
    ap, kp = hurkx_coefficients(state.Eg - dEn, state.tunnelling_mass, kT, s.E0)
    return {"inv_tau_t": inv_tau * s.C0 / s.R0,
            "ln_n1t": ln_ni + state.defect_level / kT, "ln_p1t": ln_ni - state.defect_level / kT,
            "tat_an": an, "tat_kn": kn, "tat_ap": ap, "tat_kp": kp,
            "pf_b": poole_frenkel_coefficient(state.poole_frenkel_eps_r, state.T, s.E0)}


def ion_values(case: Case, index: int, s: Scaling, T: float) -> dict[str, float]:
    """Ion coefficients of layer ``index``: scaled bulk concentrations, site limit, background."""
    mat = case.materials.get(case.layers[index].material)
    ions = getattr(mat, "ions", ())
    out = {f"c0_{name}": 0.0 for name, _ in ion_species(case)}
    for ion in ions:
        out[f"c0_{ion.name}"] = ion.concentration / s.C0
    site = getattr(mat, "site_density", 0.0)
    out["inv_cmax"] = s.C0 / site if site else 0.0
    out["N_fixed"] = sum(ion.z * ion.concentration for ion in ions) / s.C0
    for name, _ in ion_species(case):
        out[f"D_{name}"] = 0.0
    for ion in ions:
        out[f"D_{ion.name}"] = ion.diffusivity(T) / (s.mu0 * s.V_ref)
    if ions:
        out["ND"] = mat.electronic_donors / s.C0
    out["u_ion"] = 0.0  # electrolytes: set by layer_values from electronic neutrality
    return out


def set_temperature(params: CellParameters, case: Case, dm: DeviceMesh, T: float) -> None:
    """Evaluate every material law at ``T`` and write the coefficients.

    Args:
        params: Coefficients to update.
        case: The case.
        dm: The mesh (for layer cells).
        T: Temperature (K).
    """
    params.T = T
    params.beta.value = T_REF / T
    params.states = []
    for i, ly in enumerate(case.layers):
        state = case.materials.get(ly.material).at(T)
        params.states.append(state)
        dofs = compat.cell_dofs(params.f["eps_r"].function_space, dm.layer_cells(i))
        for name, value in layer_values(case, i, state, params.scaling).items():
            params.f[name].x.array[dofs] = value
    V0 = params.f["eps_r"].function_space
    for k, i in enumerate(dm.interfaces):
        values = thermionic_cell_values(
            layer_values(case, i, params.states[i], params.scaling),
            layer_values(case, i + 1, params.states[i + 1], params.scaling),
            params.states[i], params.states[i + 1], dm.interface_widths[k], params.scaling)
        dofs = compat.cell_dofs(V0, dm.interface_cells(k))
        for name, value in values.items():
            params.f[name].x.array[dofs] = value
    for fn in params.f.values():
        fn.x.scatter_forward()
