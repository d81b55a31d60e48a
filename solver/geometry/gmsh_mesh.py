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
from ..parallel import on_root
from .mesh import DeviceMesh
from .msh_file import probe

log = logging.getLogger(__name__)


def mesh_metadata(msh_path: Path) -> dict:
    """The generator's JSON sidecar of a .msh (dim, nodes, cells, parameters), or ``{}``.

    A sidecar that is missing, not JSON or not a JSON object counts as absent.
    """
    side = msh_path.with_suffix(".json")
    try:
        meta = json.loads(side.read_text()) if side.is_file() else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _sidecar_tags(meta: dict, msh_path: Path) -> dict[str, dict[str, int]]:
    tags = meta["physical_tags"]
    ok = isinstance(tags, dict) and set(tags) == {"cells", "facets"} and all(
        isinstance(g, dict) and all(isinstance(n, str) and isinstance(t, int)
                                    and not isinstance(t, bool) for n, t in g.items())
        for g in tags.values())
    if not ok:
        raise CaseError("physical_tags must be {\"cells\": {name: tag}, \"facets\": "
                        "{name: tag}}", file=str(msh_path.with_suffix(".json")),
                        hint="fix the sidecar, or delete it to use the .msh's $PhysicalNames")
    return tags


def physical_names(msh_path: Path) -> dict[str, dict[str, int]]:
    """``{"cells": {name: tag}, "facets": {name: tag}}`` of a .msh (JSON sidecar or file)."""
    meta = mesh_metadata(msh_path)
    if "physical_tags" in meta:
        return _sidecar_tags(meta, msh_path)
    text = msh_path.read_text(errors="replace")
    if "$PhysicalNames" not in text:
        raise CaseError("the mesh has no named physical groups", file=str(msh_path),
                        hint="name the layer and contact groups in gmsh")
    block = text.split("$PhysicalNames")[1].split("$EndPhysicalNames")[0].split("\n")[2:]
    dims = []
    for line in block:
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            dims.append((int(parts[0]), int(parts[1]), parts[2].strip().strip('"')))
    if not dims:
        raise CaseError("the mesh has no named physical groups ($PhysicalNames is empty)",
                        file=str(msh_path), hint="name the layer and contact groups in gmsh")
    top = max(d for d, _, _ in dims)
    return {"cells": {n: t for d, t, n in dims if d == top},
            "facets": {n: t for d, t, n in dims if d == top - 1}}


def geometry_path(case: Case, comm: MPI.Comm) -> Path:
    """The case's .msh: its ``[geometry] msh`` file, or one made by its generator (rank 0).

    A mesh file in another format (anything meshio reads: .vtu, .med, .inp, .xdmf ...) is
    rewritten as a temporary .msh by :func:`solver.geometry.meshio_mesh.to_msh`. A generated
    or converted mesh goes to a temporary ``interphase-mesh-*`` folder (removed by
    :func:`discard_generated`, or here if making it fails). Errors reach every rank.
    """
    g = case.geometry
    if g.get("msh"):
        user = Path(case.path).parent / g["msh"]
        if user.suffix.lower() == ".msh":
            return user
        return Path(on_root(comm, lambda: str(_converted(case, user))))
    return Path(on_root(comm, lambda: str(_generate(case))))


def _converted(case: Case, user: Path) -> Path:
    """A temporary .msh of a mesh in another format."""
    import shutil
    import tempfile

    from .meshio_mesh import to_msh

    if not user.is_file():
        raise CaseError("mesh file not found", file=case.path, key="geometry.msh",
                        hint=str(user))
    folder = Path(tempfile.mkdtemp(prefix="interphase-mesh-"))
    path = folder / f"{user.stem}.msh"
    try:
        to_msh(user, path, [ly.name for ly in case.layers], list(case.contacts), case.path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def _generate(case: Case) -> Path:
    import shutil
    import tempfile

    from meshes import GENERATORS

    g = case.geometry
    gen = GENERATORS.get(g["generator"])
    if gen is None:
        raise CaseError(f"unknown generator '{g['generator']}'", file=case.path,
                        key="geometry.generator", hint=f"known: {', '.join(GENERATORS)}")
    params = dict(g.get("parameters") or {})
    if case.mesh.max_nodes is not None:
        params.setdefault("max_nodes", case.mesh.max_nodes)
    path = Path(tempfile.mkdtemp(prefix="interphase-mesh-")) / f"{g['generator']}.msh"
    try:
        gen(path, **params)
    except BaseException as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        if isinstance(exc, ValueError | TypeError | OverflowError) or type(exc) is Exception:
            raise CaseError(str(exc), file=case.path, key="geometry.parameters") from None
        raise
    return path


def checked_groups(case: Case, path: Path) -> dict[str, dict[str, int]]:
    """The physical groups of ``path``, checked against the case's layers and contacts.

    Raises:
        CaseError: The file is missing, or its cell groups are not the layers, or a contact
            has no facet group.
    """
    if not path.is_file():
        raise CaseError("mesh file not found", file=case.path, key="geometry.msh",
                        hint=str(path))
    probe(path, {d: case.mesh.node_limit(d) for d in (2, 3)})
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
    try:
        names = on_root(comm, lambda: checked_groups(case, path))
        msh, ctags, ftags = compat.read_msh(str(path), comm)
    finally:
        discard_generated(case, path, comm)
    layer_names = [ly.name for ly in case.layers]
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
