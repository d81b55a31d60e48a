"""Device meshes in any format meshio reads (.vtu, .med, .inp, .xdmf, .msh ...), named groups.

A device mesh needs names: the cell groups are the case's layers, the facet groups its
contacts. meshio carries names three ways, all read here:

- ``cell_sets`` (Abaqus ``*ELSET``, and meshio's own named sets),
- gmsh physical groups (``gmsh:physical`` cell data with ``field_data`` name -> [tag, dim]),
- MED families (``cell_tags`` cell data with the mesh's ``cell_tags`` tag -> names).

Only simplices are supported (triangles with line facets in 2D, tetrahedra with triangle
facets in 3D), coordinates in nm. The mesh is rewritten as a binary gmsh file (exact
coordinates) with one physical group per layer and contact, and read from there like any .msh.
Pure meshio + numpy (rank 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CaseError

DIM = {"vertex": 0, "line": 1, "triangle": 2, "tetra": 3, "quad": 2, "hexahedron": 3,
       "wedge": 3, "pyramid": 3, "line3": 1, "triangle6": 2, "tetra10": 3}
SIMPLEX = {1: "line", 2: "triangle", 3: "tetra"}


def read(path: str | Path, file: str) -> Any:
    """``meshio.read`` with a one-line error naming the file (``file`` is the case file)."""
    import meshio

    try:
        return meshio.read(path)
    except Exception as exc:  # meshio raises ReadError, KeyError, ValueError, SystemExit ...
        raise CaseError(f"meshio cannot read the mesh ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else 'no message'})",
                        file=file, key="geometry.msh", hint=str(path)) from None
    except SystemExit:  # meshio's XDMF reader exits on files with several grids
        raise CaseError("meshio cannot read the mesh (several grids in one file)", file=file,
                        key="geometry.msh", hint=str(path)) from None


def group_names(mesh: Any) -> list[np.ndarray]:
    """The group name of every cell, one array per cell block ('' = in no group).

    Raises:
        ValueError: The mesh carries no named groups (the message says which it looks for).
    """
    blocks = [np.full(len(b.data), "", dtype=object) for b in mesh.cells]
    found = False
    for name, per_block in (getattr(mesh, "cell_sets", None) or {}).items():
        for k, idx in enumerate(per_block):
            if idx is not None and len(idx):
                blocks[k][np.asarray(idx, dtype=int)] = name
                found = True
    tagged = [("gmsh:physical", {int(v[0]): n for n, v in (mesh.field_data or {}).items()}),
              ("cell_tags", {int(t): names[0] for t, names in
                             (getattr(mesh, "cell_tags", None) or {}).items() if names})]
    for key, names in tagged:
        if found or key not in mesh.cell_data or not names:
            continue
        for k, tags in enumerate(mesh.cell_data[key]):
            blocks[k] = np.array([names.get(int(t), "") for t in tags], dtype=object)
        found = True
    if not found:
        raise ValueError("the mesh has no named groups (looked for cell sets, gmsh physical "
                         "names and MED groups)")
    return blocks


def to_msh(src: str | Path, dest: str | Path, layers: list[str], contacts: list[str],
           file: str) -> dict[str, Any]:
    """Rewrite a meshio-readable mesh as a binary gmsh file with a group per layer/contact.

    Args:
        src: The mesh file (any format meshio reads).
        dest: The ``.msh`` to write.
        layers: The case's layer names (the cell groups, in order: tags 1..n).
        contacts: The case's contact names (facet groups, tags n+1..).
        file: The case file (for error messages).

    Returns:
        ``{"dim", "cells", "facets"}`` counts.

    Raises:
        CaseError: Unreadable file, non-simplex cells, no names, or groups that do not match
            the layers and contacts (one line naming what the mesh has).
    """
    import meshio

    m = read(src, file)
    where = {"file": file, "key": "geometry.msh"}
    try:
        names = group_names(m)
    except ValueError as exc:
        raise CaseError(str(exc), **where, hint="name the layers and contacts") from None
    dims = [DIM.get(b.type, -1) for b in m.cells]
    tdim = max(dims) if dims else -1
    if tdim not in (2, 3):
        raise CaseError(f"the mesh has no 2D or 3D cells (cell types: "
                        f"{sorted({b.type for b in m.cells})})", **where)
    by_dim: dict[int, set[str]] = {}
    for b, d, nm in zip(m.cells, dims, names, strict=True):
        if d in (tdim, tdim - 1):
            by_dim.setdefault(d, set()).update(n for n in set(nm) if n)
        if d == tdim and b.type != SIMPLEX[tdim] and len(set(nm) - {""}):
            raise CaseError(f"{b.type} cells: only {SIMPLEX[tdim]} meshes are supported",
                            **where, hint="remesh with simplices")
    regions, facet_groups = by_dim.get(tdim, set()), by_dim.get(tdim - 1, set())
    if sorted(regions) != sorted(layers):
        raise CaseError(f"mesh regions {sorted(regions)} do not match the layers {layers}",
                        file=file, key="layers")
    missing = [c for c in contacts if c not in facet_groups]
    if missing:
        raise CaseError(f"no facet group '{missing[0]}' in the mesh (facet groups: "
                        f"{sorted(facet_groups)})", file=file, key=f"contacts.{missing[0]}")
    tags = {n: i + 1 for i, n in enumerate(layers)}
    tags.update({c: len(layers) + 1 + i for i, c in enumerate(contacts)})
    cells, phys = [], []
    for dim, group in ((tdim, layers), (tdim - 1, contacts)):
        conn, tag = [], []
        for b, d, nm in zip(m.cells, dims, names, strict=True):
            if d != dim or b.type != SIMPLEX[dim]:
                continue
            keep = np.isin(nm, group)
            conn.append(np.asarray(b.data)[keep])
            tag.append(np.array([tags[n] for n in nm[keep]], dtype=int))
        cells.append((SIMPLEX[dim], np.concatenate(conn)))
        phys.append(np.concatenate(tag))
    used = np.unique(np.concatenate([c.ravel() for _, c in cells]))
    renum = np.full(len(m.points), -1, dtype=int)
    renum[used] = np.arange(len(used))
    pts = np.zeros((len(used), 3))
    pts[:, : m.points.shape[1]] = m.points[used]
    out = meshio.Mesh(pts, [(t, renum[c]) for t, c in cells],
                      cell_data={"gmsh:physical": phys, "gmsh:geometrical": phys},
                      field_data={n: np.array([t, tdim if n in layers else tdim - 1])
                                  for n, t in tags.items()})
    meshio.write(dest, out, file_format="gmsh22", binary=True)
    return {"dim": tdim, "cells": len(cells[0][1]), "facets": len(cells[1][1])}
