"""Read a solution out as nodal profiles (band diagram) gathered on rank 0."""

from __future__ import annotations

import numpy as np

from mpi4py import MPI

from ..constants import q
from ..physics.statistics import log_density_np
from ..units import per_si
from .coefficients import layer_values
from .problem import DeviceProblem


def band_diagram(pb: DeviceProblem) -> dict[str, np.ndarray] | None:
    """Band diagram of the current solution (on rank 0; None on other ranks).

    Interface nodes appear once per adjacent layer, so band offsets show as vertical steps.
    Energies (eV) are relative to the Fermi level of the grounded equilibrium contact; the vacuum
    level is ``E_vac = -q psi``.

    Returns:
        Columns ``x_nm, layer, psi_V, Ec_eV, Ev_eV, Efn_eV, Efp_eV, n_cm3, p_cm3``.
    """
    msh = pb.dm.mesh
    tdim, nc = msh.topology.dim, pb.nc
    if tdim > 1:
        return None  # 2D / 3D: fields.xdmf and the field maps instead
    ncells = msh.topology.index_map(tdim).size_local
    dofs = np.asarray(pb.W.dofmap.list.array if hasattr(pb.W.dofmap.list, "array")
                      else pb.W.dofmap.list).reshape(-1, 2)[:ncells].ravel()
    coords = pb.W.tabulate_dof_coordinates()[:, 0]
    layer = pb.dm.cell_tags.values[np.argsort(pb.dm.cell_tags.indices)][:ncells] - 1
    arr = pb.solution_array()
    local = np.column_stack([coords[dofs], np.repeat(layer, 2)]
                            + [arr[nc * dofs + k] for k in range(nc)])
    local = local[local[:, 1] < len(pb.case.layers)]  # drop thermionic interface cells
    gathered = pb.comm.gather(local, root=0)
    if pb.comm.rank != 0:
        return None
    data = np.concatenate(gathered)
    keep = np.unique(data[:, :2].round(14), axis=0, return_index=True)[1]
    rows = data[keep]
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    s = pb.scaling
    x, lay = rows[:, 0] * s.L0, rows[:, 1].astype(int)
    u, v, w = rows[:, 2], rows[:, 3], rows[:, 4]
    xis = {name: rows[:, 5 + k] for k, (name, _) in enumerate(pb.species)}
    Vr = s.V_ref
    beta = float(pb.P.beta.value)
    chi = np.array([st.chi / q for st in pb.P.states])[lay]
    Eg = np.array([st.Eg / q for st in pb.P.states])[lay]
    c = [layer_values(pb.case, i, st, s) for i, st in enumerate(pb.P.states)]
    eta_n = np.array([ci["eta_n"] - ci["lnNc"] for ci in c])[lay] + beta * (u - v)
    eta_p = np.array([ci["eta_p"] - ci["lnNv"] for ci in c])[lay] + beta * (w - u)
    lnNc = np.array([ci["lnNc"] for ci in c])[lay]
    lnNv = np.array([ci["lnNv"] for ci in c])[lay]
    n = np.exp(log_density_np(eta_n, lnNc, pb.stats)) * s.C0 * 1e-6
    p = np.exp(log_density_np(eta_p, lnNv, pb.stats)) * s.C0 * 1e-6
    psi = u * Vr - s.chi_ref / q
    Ec = -psi - chi
    out = {
        "x_nm": x * 1e9, "layer": lay, "psi_V": psi, "Ec_eV": Ec, "Ev_eV": Ec - Eg,
        "Efn_eV": -v * Vr, "Efp_eV": -w * Vr, "n_cm3": n, "p_cm3": p,
    }
    out.update(ion_profiles(u, xis, lay, c, pb.species, beta, s.C0))
    return out


def ion_profiles(u: np.ndarray, xis: dict, lay: np.ndarray, c: list[dict], species: list,
                 beta: float, C0: float) -> dict[str, np.ndarray]:
    """Ion concentrations (cm^-3) per species and their sum ``c_ion_cm3``."""
    total = np.zeros_like(u)
    out = {}
    if not species:
        return {"c_ion_cm3": total}
    inv_cmax = np.array([ci["inv_cmax"] for ci in c])[lay]
    act = {name: np.exp(np.clip(z * beta * (xis[name] - u), -700, 700)) for name, z in species}
    c0 = {name: np.array([ci[f"c0_{name}"] for ci in c])[lay] for name, _ in species}
    denom = 1.0 + sum(c0[k] * inv_cmax * (act[k] - 1.0) for k, _ in species)
    for name, _ in species:
        conc = c0[name] * act[name] / denom * C0 * 1e-6
        out[f"c_{name}_cm3"] = conc
        total = total + conc
    out["c_ion_cm3"] = total
    return out


def current_profile(pb: DeviceProblem) -> dict[str, np.ndarray] | None:
    """Electron and hole current density on every element (rank 0; None elsewhere).

    Returns:
        Columns ``x_nm`` (element midpoints), ``Jn_A_per_cm2``, ``Jp_A_per_cm2``,
        ``J_A_per_cm2`` sorted by x.
    """
    import ufl
    from dolfinx import fem
    from dolfinx.fem import petsc as fem_petsc

    from ..numerics import compat

    # cell averages by DG0 projection (an Expression of CellDiameter fails in FFCx 0.5)
    V0 = compat.function_space(pb.dm.mesh, "DG", 0)
    q0 = ufl.TestFunction(V0)
    n_own = V0.dofmap.index_map.size_local
    vol = fem_petsc.assemble_vector(fem.form(q0 * pb.dx)).getArray()[:n_own]
    vals = [fem_petsc.assemble_vector(fem.form(pb.current_component(c) * q0 * pb.dx)
                                      ).getArray()[:n_own] / vol for c in ("electron", "hole")]
    x = V0.tabulate_dof_coordinates()[:n_own, 0]
    local = np.column_stack([x, *vals])
    gathered = pb.comm.gather(local, root=0)
    if pb.comm.rank != 0:
        return None
    rows = np.concatenate(gathered)
    rows = rows[np.argsort(rows[:, 0])]
    scale = pb.scaling.J0 * per_si("current_density_A_per_cm2")
    return {"x_nm": rows[:, 0] * pb.scaling.L0 * 1e9, "Jn_A_per_cm2": rows[:, 1] * scale,
            "Jp_A_per_cm2": rows[:, 2] * scale, "J_A_per_cm2": (rows[:, 1] + rows[:, 2]) * scale}


def contact_potentials(pb: DeviceProblem) -> dict[str, float]:
    """Mean potential psi (V, vacuum level -q psi) on each contact's nodes (all ranks)."""
    from dolfinx import fem

    V = pb.V
    fdim = pb.dm.mesh.topology.dim - 1
    arr = pb.solution_array()[pb.potential_dofs]
    n_own = V.dofmap.index_map.size_local
    out = {}
    for name, cs in pb.contacts.items():
        dofs = fem.locate_dofs_topological(V, fdim, pb.dm.facet_tags.find(cs.tag))
        dofs = dofs[dofs < n_own]
        s = pb.comm.allreduce(float(arr[dofs].sum()), op=MPI.SUM)
        n = pb.comm.allreduce(len(dofs), op=MPI.SUM)
        out[name] = (s / max(n, 1)) * pb.scaling.V_ref - pb.scaling.chi_ref / q
    return out
