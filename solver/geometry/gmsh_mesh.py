"""2D / 3D device meshes from gmsh (.msh with named physical groups), distributed with tags.

Conventions (see meshes/README.md): coordinates in nanometres; every cell belongs to a physical
group named after a case layer; contacts are facet groups named after the case's contacts. A
JSON file next to the mesh (written by the generators in meshes/) maps names to physical tag
numbers; without it the ``$PhysicalNames`` section of the .msh is read. Coordinates are scaled
by the largest bounding-box extent L0, like the 1D stacks.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from mpi4py import MPI

from ..case import Case
from ..errors import CaseError
from ..numerics import compat
from .mesh import DeviceMesh

log = logging.getLogger(__name__)


def mesh_metadata(msh_path: Path) -> dict:
    """The generator's JSON sidecar of a .msh (dim, nodes, cells, parameters), or ``{}``."""
    side = msh_path.with_suffix(".json")
    try:
        return json.loads(side.read_text()) if side.is_file() else {}
    except (OSError, ValueError):
        return {}


def physical_names(msh_path: Path) -> dict[str, dict[str, int]]:
    """``{"cells": {name: tag}, "facets": {name: tag}}`` of a .msh (JSON sidecar or file)."""
    meta = mesh_metadata(msh_path)
    if "physical_tags" in meta:
        return meta["physical_tags"]
    text = msh_path.read_text(errors="replace")
    if "$PhysicalNames" not in text:
        raise CaseError("the mesh has no named physical groups", file=str(msh_path),
                        hint="name the layer and contact groups in gmsh")
    block = text.split("$PhysicalNames")[1].split("$EndPhysicalNames")[0].split("\n")[2:]
    dims = []
    for line in block:
        parts = line.split(maxsplit=2)
        if len(parts) == 3:
            dims.append((int(parts[0]), int(parts[1]), parts[2].strip().strip('"')))
    top = max(d for d, _, _ in dims)
    return {"cells": {n: t for d, t, n in dims if d == top},
            "facets": {n: t for d, t, n in dims if d == top - 1}}


def geometry_path(case: Case, comm: MPI.Comm) -> Path:
    """The case's .msh: its ``[geometry] msh`` file, or one made by its generator (rank 0).

    A mesh file in another format (anything meshio reads: .vtu, .med, .inp, .xdmf ...) is
    rewritten as a temporary .msh by :func:`solver.geometry.meshio_mesh.to_msh`.
    """
    g = case.geometry
    if g.get("msh"):
        user = Path(case.path).parent / g["msh"]
        if user.suffix.lower() == ".msh":
            return user
        return _converted(case, user, comm)
    path = None
    if comm.rank == 0:
        import tempfile

        from meshes import GENERATORS

        gen = GENERATORS.get(g["generator"])
        if gen is None:
            raise CaseError(f"unknown generator '{g['generator']}'", file=case.path,
                            key="geometry.generator", hint=f"known: {', '.join(GENERATORS)}")
        path = Path(tempfile.mkdtemp(prefix="interphase-mesh-")) / f"{g['generator']}.msh"
        try:
            gen(path, **dict(g.get("parameters") or {}))
        except (ValueError, TypeError) as exc:
            raise CaseError(str(exc), file=case.path, key="geometry.parameters") from None
    return Path(comm.bcast(str(path) if path else None, root=0))


def _converted(case: Case, user: Path, comm: MPI.Comm) -> Path:
    """A temporary .msh of a mesh in another format (rank 0 converts; errors on every rank)."""
    result: tuple[str | None, str | None] = (None, None)
    if comm.rank == 0:
        import tempfile

        from .meshio_mesh import to_msh

        try:
            if not user.is_file():
                raise CaseError("mesh file not found", file=case.path, key="geometry.msh",
                                hint=str(user))
            folder = Path(tempfile.mkdtemp(prefix="interphase-mesh-"))
            path = folder / f"{user.stem}.msh"
            try:
                to_msh(user, path, [ly.name for ly in case.layers], list(case.contacts),
                       case.path)
            except BaseException:
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
                raise
            result = (str(path), None)
        except CaseError as exc:
            result = (None, str(exc))
    path, error = comm.bcast(result, root=0)
    if error is not None:
        raise CaseError(error)
    return Path(path)


def checked_groups(case: Case, path: Path) -> dict[str, dict[str, int]]:
    """The physical groups of ``path``, checked against the case's layers and contacts.

    Raises:
        CaseError: The file is missing, or its cell groups are not the layers, or a contact
            has no facet group.
    """
    if not path.is_file():
        raise CaseError("mesh file not found", file=case.path, key="geometry.msh",
                        hint=str(path))
    names = physical_names(path)
    layer_names = [ly.name for ly in case.layers]
    missing = [n for n in layer_names if n not in names["cells"]]
    extra = [n for n in names["cells"] if n not in layer_names]
    if missing or extra:
        raise CaseError(f"mesh regions {sorted(names['cells'])} do not match the layers "
                        f"{layer_names}", file=case.path, key="layers")
    for c in case.contacts:
        if c not in names["facets"]:
            raise CaseError(f"no facet group '{c}' in the mesh (groups: "
                            f"{sorted(names['facets'])})", file=case.path, key=f"contacts.{c}")
    return names


def discard_generated(case: Case, path: Path, comm: MPI.Comm) -> None:
    """Remove a generated or converted temporary mesh folder (never a user's ``msh`` file)."""
    comm.Barrier()
    user = Path(case.path).parent / case.geometry["msh"] if case.geometry.get("msh") else None
    if comm.rank == 0 and path != user and path.parent.name.startswith("interphase-mesh-"):
        import shutil

        shutil.rmtree(path.parent, ignore_errors=True)


def build_gmsh_mesh(case: Case, comm: MPI.Comm) -> DeviceMesh:
    """Read the case's .msh, check its groups against the layers and contacts, scale, retag."""
    path = geometry_path(case, comm)
    names = checked_groups(case, path)
    layer_names = [ly.name for ly in case.layers]
    msh, ctags, ftags = compat.read_msh(str(path), comm)
    discard_generated(case, path, comm)
    x = msh.geometry.x
    lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
    if len(x):
        lo, hi = np.min(x, axis=0), np.max(x, axis=0)
    lo, hi = np.array(comm.allgather(lo)).min(axis=0), np.array(comm.allgather(hi)).max(axis=0)
    length = float(np.max(hi - lo)) * 1e-9
    x[:] = (x - lo) * 1e-9 / length  # nm -> scaled, origin at the lower corner
    tdim = msh.topology.dim
    layer_of = {names["cells"][n]: i + 1 for i, n in enumerate(layer_names)}
    cells = ctags.indices
    cell_tags = compat.meshtags(msh, tdim, cells, np.array([layer_of[v] for v in ctags.values],
                                                           dtype=np.int32))
    contact_tags = {c: int(names["facets"][c]) for c in case.contacts}
    keep = np.isin(ftags.values, list(contact_tags.values()))
    facet_tags = compat.meshtags(msh, tdim - 1, ftags.indices[keep], ftags.values[keep])
    nodes = comm.allreduce(msh.topology.index_map(0).size_local, op=MPI.SUM)
    contact_layers = _contact_layers(msh, cell_tags, facet_tags, contact_tags, comm)
    if comm.rank == 0:
        log.info("mesh %s: %d nodes, %dD, %d layers, L0 = %.4g nm, %d rank(s)", path.name,
                 nodes, tdim, len(layer_names), length * 1e9, comm.size)
    return DeviceMesh(mesh=msh, length=length, cell_tags=cell_tags, facet_tags=facet_tags,
                      layer_names=layer_names, bounds=np.array([]), contact_tags=contact_tags,
                      num_nodes=nodes if comm.rank == 0 else 0, contact_layers=contact_layers)


def _contact_layers(msh, cell_tags, facet_tags, contact_tags, comm) -> dict[str, int]:
    """Layer index (0-based) touching each contact (from the first cell next to its facets)."""
    tdim = msh.topology.dim
    msh.topology.create_connectivity(tdim - 1, tdim)
    msh.topology.create_connectivity(tdim, tdim)  # dolfinx >= 0.9: cell dofs by cells
    f2c = msh.topology.connectivity(tdim - 1, tdim)
    tag_of = dict(zip(cell_tags.indices, cell_tags.values))
    out = {}
    for name, tag in contact_tags.items():
        found = -1
        for f in facet_tags.find(tag):
            found = tag_of[f2c.links(f)[0]] - 1
            break
        out[name] = comm.allreduce(found, op=MPI.MAX)
    return out
