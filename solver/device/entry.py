"""Where electrons enter the electrolyte: the electron current through its boundary, facet by facet.

On a 2D or 3D device with electrolyte layers, every facet that separates an electrolyte cell
from a non-electrolyte layer (the interphase) or from a contact (an electrode) is an entry
facet. Its entry current density is ``j = -J_n . n_in`` with ``J_n`` the electron current
density of the adjacent electrolyte cell (the cell average of the discretisation's own EAFE
flux) and ``n_in`` the unit normal into the electrolyte: positive where electrons move into the
electrolyte, where Li+ would be reduced to metal. A hot spot (a grain boundary, a thin spot of
the interphase, a pad edge) shows as a peak of ``j`` along the boundary.

The geometry is gathered on rank 0 (the output is a table of boundary facets, small next to
the mesh); facets are matched by their vertex coordinates, so any partition works.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..numerics import compat
from .fieldset import CellCurrents
from .problem import DeviceProblem


def has_electrolyte_boundary(pb: DeviceProblem) -> bool:
    """Whether the entry map applies: a 2D/3D mesh with an electrolyte layer."""
    return pb.dm.mesh.topology.dim >= 2 and any(pb.case.is_electrolyte(ly)
                                               for ly in pb.case.layers)


def _gather_geometry(pb: DeviceProblem) -> dict[str, Any] | None:
    """Owned cells (vertex coordinates in nm, layer) and contact vertices, on rank 0."""
    msh = pb.dm.mesh
    tdim, fdim = msh.topology.dim, msh.topology.dim - 1
    n_own = msh.topology.index_map(tdim).size_local
    L_nm = pb.scaling.L0 * 1e9
    X = compat.cell_vertex_coordinates(msh)[:n_own] * L_nm
    tags = pb.dm.cell_tags
    layer = np.full(n_own, -1, dtype=np.int64)
    own = tags.indices < n_own
    layer[tags.indices[own]] = tags.values[own] - 1
    from dolfinx import fem

    coords = pb.V.tabulate_dof_coordinates()[:, : msh.geometry.dim] * L_nm
    contacts = {}
    for name, cs in pb.contacts.items():
        dofs = fem.locate_dofs_topological(pb.V, fdim, pb.dm.facet_tags.find(cs.tag))
        contacts[name] = coords[dofs]
    gathered = pb.comm.gather((X, layer, contacts), root=0)
    if pb.comm.rank != 0:
        return None
    return {"X": np.concatenate([g[0] for g in gathered]),
            "layer": np.concatenate([g[1] for g in gathered]),
            "contacts": {name: np.concatenate([g[2][name] for g in gathered])
                         for name in pb.contacts}}


def entry_facets(X: np.ndarray, layer: np.ndarray, electrolyte: set[int],
                 contacts: dict[str, np.ndarray], layer_names: list[str]) -> dict[str, Any]:
    """Boundary facets of the electrolyte cells and their inward normals (pure geometry).

    Args:
        X: Cell vertex coordinates ``(ncells, tdim + 1, gdim)`` (nm), every cell once.
        layer: Layer index of each cell.
        electrolyte: Indices of the electrolyte layers.
        contacts: Contact name -> coordinates of its vertices (nm).
        layer_names: Layer names by index.

    Returns:
        ``cell`` (the electrolyte cell of each facet), ``centre`` (nm), ``normal`` (unit, into
        the electrolyte), ``measure`` (nm in 2D, nm^2 in 3D), ``boundary`` (the neighbouring
        layer or contact name) and ``vertices`` (the facet's vertices, nm).
    """
    ncells, nv, gdim = X.shape
    tol = 1e-9 * max(float(np.ptp(X.reshape(-1, gdim), axis=0).max()), 1e-30)
    combos = list(itertools.combinations(range(nv), nv - 1))
    ints = np.round(X / tol).astype(np.int64)
    verts, vid = np.unique(ints.reshape(-1, gdim), axis=0, return_inverse=True)
    vid = vid.reshape(ncells, nv)
    fverts = np.sort(vid[:, combos], axis=2).reshape(ncells * nv, nv - 1)
    _, fid = np.unique(fverts, axis=0, return_inverse=True)
    fid = fid.ravel()
    order = np.argsort(fid, kind="stable")
    partner = np.full(ncells * nv, -1, dtype=np.int64)  # the other cell sharing the facet
    same = fid[order[1:]] == fid[order[:-1]]
    a, b = order[:-1][same], order[1:][same]
    partner[a], partner[b] = b // nv, a // nv
    contact_vids = {}
    for name, pts in contacts.items():
        pi = np.round(np.asarray(pts).reshape(-1, gdim) / tol).astype(np.int64)
        known = {tuple(p) for p in pi}
        contact_vids[name] = known
    is_el = np.isin(layer, list(electrolyte))
    out: dict[str, list] = {"cell": [], "centre": [], "normal": [], "measure": [],
                            "boundary": [], "vertices": []}
    own_el = np.repeat(is_el, nv)
    candidates = own_el & ((partner < 0) | ~is_el[np.maximum(partner, 0)])
    for k in np.flatnonzero(candidates):
        c, local = divmod(int(k), nv)
        other = partner[k]
        if other >= 0:
            boundary = layer_names[layer[other]]
        else:
            keys = [tuple(verts[v]) for v in fverts[k]]
            boundary = next((name for name, known in contact_vids.items()
                             if all(t in known for t in keys)), None)
            if boundary is None:
                continue  # a free surface: no current crosses it
        pts = X[c, list(combos[local])]
        normal, measure = _facet_normal(pts)
        centre = pts.mean(axis=0)
        if np.dot(normal, X[c].mean(axis=0) - centre) < 0:
            normal = -normal
        for key, v in zip(("cell", "centre", "normal", "measure", "boundary", "vertices"),
                          (c, centre, normal, measure, boundary, pts)):
            out[key].append(v)
    return {k: (np.array(v) if k != "boundary" else v) for k, v in out.items()}


def _facet_normal(pts: np.ndarray) -> tuple[np.ndarray, float]:
    if pts.shape == (2, 2):
        t = pts[1] - pts[0]
        length = float(np.hypot(*t))
        return np.array([t[1], -t[0]]) / length, length
    if pts.shape == (3, 3):
        n = np.cross(pts[1] - pts[0], pts[2] - pts[0])
        area2 = float(np.linalg.norm(n))
        return n / area2, 0.5 * area2
    raise ValueError(f"entry facets need 2D triangles or 3D tetrahedra, got {pts.shape}")


class ElectronEntry:
    """Electron entry current density on the electrolyte's boundary for the current state."""

    def __init__(self, pb: DeviceProblem) -> None:
        self.pb = pb
        self.currents = CellCurrents(pb)
        geo = _gather_geometry(pb)
        self.facets = None
        if geo is not None:
            electrolyte = {i for i, ly in enumerate(pb.case.layers) if pb.case.is_electrolyte(ly)}
            self.facets = entry_facets(geo["X"], geo["layer"], electrolyte, geo["contacts"],
                                       pb.dm.layer_names)
            self.cells_nm, self.layer = geo["X"], geo["layer"]

    def evaluate(self) -> dict[str, Any] | None:
        """Facet table and per-boundary summary (rank 0; None elsewhere)."""
        Jn = self.currents.evaluate()["electron"]
        all_Jn = self.pb.comm.gather(Jn, root=0)
        if self.facets is None:
            return None
        Jn = np.concatenate(all_Jn)
        fc = self.facets
        j = -np.einsum("ij,ij->i", Jn[fc["cell"]], fc["normal"]) if len(fc["cell"]) else \
            np.zeros(0)
        summary = {}
        for name in dict.fromkeys(fc["boundary"]):
            sel = np.array([b == name for b in fc["boundary"]])
            w = fc["measure"][sel]
            mean = float(np.sum(j[sel] * w) / np.sum(w))
            k = int(np.argmax(j[sel]))
            summary[name] = {"mean_A_per_cm2": mean, "peak_A_per_cm2": float(j[sel][k]),
                             "peak_at_nm": fc["centre"][sel][k].tolist(),
                             "peak_to_mean": float(j[sel][k] / mean) if mean > 0 else None,
                             "facets": int(sel.sum())}
        return {"centre_nm": fc["centre"], "boundary": fc["boundary"], "measure": fc["measure"],
                "facet_vertices_nm": fc["vertices"],
                "electron_entry_A_per_cm2": j, "summary": summary,
                "cells_nm": self.cells_nm, "layer": self.layer,
                "log10_abs_Jn": np.log10(np.maximum(np.linalg.norm(Jn, axis=1), 1e-300))}
