"""Read a generated .msh (and its .json metadata) into DOLFINx, on any supported DOLFINx.

DOLFINx 0.5's ``gmshio.read_from_msh`` is broken (it returns an undefined name on the reading
rank), so this reads the file with gmsh on one rank and calls ``gmshio.model_to_mesh``, which
works from 0.5 to 0.10 (where it returns a ``MeshData`` tuple, normalised here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gmsh

from mpi4py import MPI


def read_msh(path: str | Path, comm: Any = None, rank: int = 0, gdim: int | None = None,
             scale: float = 1.0) -> tuple[Any, Any, Any, dict[str, Any]]:
    """Read a generator's mesh collectively (call on every rank of ``comm``).

    Args:
        path: The .msh file (coordinates in nm, as written).
        comm: MPI communicator (default ``MPI.COMM_WORLD``).
        rank: The rank that reads the file with gmsh.
        gdim: Geometric dimension; default the metadata's ``dim`` (or 3 without metadata).
        scale: Factor applied to the coordinates after reading, e.g. 1e-9 for metres.

    Returns:
        ``(mesh, cell_tags, facet_tags, metadata)``: the distributed mesh, the cell and facet
        MeshTags (values are the physical tags of ``metadata["physical_tags"]``), and the
        metadata dict from the .json next to the .msh ({} if absent).
    """
    from dolfinx.io import gmshio

    comm = MPI.COMM_WORLD if comm is None else comm
    path = Path(path)
    meta: dict[str, Any] = {}
    if comm.rank == rank:
        js = path.with_suffix(".json")
        meta = json.loads(js.read_text()) if js.exists() else {}
    meta = comm.bcast(meta, root=rank)
    gdim = int(gdim or meta.get("dim", 3))
    own = False
    if comm.rank == rank:
        own = not gmsh.isInitialized()
        if own:
            gmsh.initialize(readConfigFiles=False, interruptible=False)
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add(f"read:{path.name}")
        gmsh.merge(str(path))
    try:
        out = gmshio.model_to_mesh(gmsh.model, comm, rank, gdim=gdim)
    finally:
        if comm.rank == rank:
            gmsh.model.remove()
            if own:
                gmsh.finalize()
    if hasattr(out, "cell_tags"):  # DOLFINx >= 0.10: MeshData
        mesh, cell_tags, facet_tags = out.mesh, out.cell_tags, out.facet_tags
    else:
        mesh, cell_tags, facet_tags = out[:3]
    if scale != 1.0:
        mesh.geometry.x[:] *= scale
    return mesh, cell_tags, facet_tags, meta
