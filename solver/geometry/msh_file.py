"""A .msh file checked before the solver reads it: size from its header, then readable by gmsh.

``interphase check`` and ``run`` both call :func:`probe`, so a file that ``run`` cannot read
(truncated, not a mesh, no cells, too many nodes) fails ``check`` with the same one-line error.
The node count is read from the ``$Nodes`` header before gmsh allocates anything.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

from ..errors import CaseError

_CHUNK = 1 << 20
_SCAN_LIMIT = 256 << 20  # bytes searched for the $Nodes header (the sections before are small)
_SIMPLEX = {2: 2, 3: 4}  # gmsh element type of the linear triangle / tetrahedron


def _fail(path: Path, what: str, hint: str | None = None) -> CaseError:
    return CaseError(what, file=str(path), hint=hint or "re-export the mesh from gmsh "
                     "(MSH 4.1, linear triangles or tetrahedra)")


def header_nodes(path: Path) -> int:
    """Number of nodes declared in the ``$Nodes`` header of a .msh (ASCII or binary, v2 / v4).

    Raises:
        CaseError: No ``$MeshFormat`` or ``$Nodes`` section (not a mesh, or truncated).
    """
    with open(path, "rb") as fh:
        head = fh.read(_CHUNK)
        m = re.match(rb"\s*\$MeshFormat\r?\n\s*(\d+(?:\.\d+)?)\s+(\d)\s+(\d+)", head)
        if not m:
            raise _fail(path, "not a gmsh .msh file (no $MeshFormat section)")
        version, binary = float(m.group(1)), m.group(2) == b"1"
        buf = head
        while True:
            i = buf.find(b"$Nodes")
            if i >= 0 and len(buf) - i > 64:
                break
            more = fh.read(_CHUNK)
            if not more or fh.tell() > _SCAN_LIMIT:
                raise _fail(path, "no $Nodes section (the file is truncated or not a mesh)")
            buf = (buf[i:] if i >= 0 else buf[-8:]) + more
        rest = buf[i + len(b"$Nodes"):]
        rest = rest[2:] if rest.startswith(b"\r\n") else rest[1:]
    try:
        if version < 4:
            return int(rest.split(None, 1)[0])
        if binary:
            return int(struct.unpack("<4Q", rest[:32])[1])
        return int(rest.split(None, 2)[1])
    except (ValueError, IndexError, struct.error):
        raise _fail(path, "unreadable $Nodes header") from None


def probe(path: Path, max_nodes: dict[int, int] | int) -> dict[str, Any]:
    """Read the .msh with gmsh (as ``run`` will) and return its dimension and size.

    Args:
        path: The mesh file.
        max_nodes: The node limit, or the limit by dimension (a ``{2: n2, 3: n3}`` mapping).

    Returns:
        ``{"dim", "nodes", "cells"}``.

    Raises:
        CaseError: One line naming the file: not a mesh, truncated, no triangles or
            tetrahedra, elements that are not linear simplices, or more nodes than allowed.
    """
    limits = max_nodes if isinstance(max_nodes, dict) else {2: max_nodes, 3: max_nodes}
    declared = header_nodes(path)
    if declared > max(limits.values()):
        raise _fail(path, f"the mesh has {declared:,} nodes, more than [mesh] max_nodes = "
                    f"{max(limits.values()):,}", hint="coarsen it, or raise [mesh] max_nodes")
    import gmsh

    own = not gmsh.isInitialized()
    if own:
        gmsh.initialize(readConfigFiles=False, interruptible=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("interphase-probe")
        try:
            gmsh.merge(str(path))
        except Exception as exc:  # gmsh raises plain Exception with its message
            raise _fail(path, f"gmsh cannot read it ({str(exc).strip() or 'no message'})"
                        ) from None
        dims = [d for d in (3, 2) if len(gmsh.model.mesh.getElements(d)[0])]
        if not dims:
            raise _fail(path, "the mesh has no triangles or tetrahedra")
        dim = dims[0]
        types, tags, _ = gmsh.model.mesh.getElements(dim)
        if [int(t) for t in types] != [_SIMPLEX[dim]]:
            raise _fail(path, f"{dim}D elements of gmsh types {[int(t) for t in types]}; "
                        "only linear simplices are supported")
        nodes = len(gmsh.model.mesh.getNodes()[0])
        cells = len(tags[0])
    finally:
        if own:
            gmsh.finalize()
        else:
            gmsh.model.remove()
    if nodes > limits[dim]:
        raise _fail(path, f"the {dim}D mesh has {nodes:,} nodes, more than [mesh] max_nodes = "
                    f"{limits[dim]:,}", hint="coarsen it, or raise [mesh] max_nodes")
    return {"dim": dim, "nodes": nodes, "cells": cells}
