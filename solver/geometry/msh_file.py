"""A .msh file checked before the solver reads it: size from its header, then readable by gmsh.

``interphase check`` and ``run`` both call :func:`probe`, so a file that ``run`` cannot read
(truncated, corrupt, not a mesh, no cells, too many nodes) fails ``check`` with the same
one-line error. The node count is read from the ``$Nodes`` header before gmsh allocates
anything, and gmsh first reads the file in a child process with bounded memory and time.
"""

from __future__ import annotations

import functools
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


#: the child process that reads a mesh with gmsh: bounded memory, answers in JSON
_CHILD = """
import json, resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import gmsh
gmsh.initialize(readConfigFiles=False, interruptible=False)
gmsh.option.setNumber("General.Terminal", 0)
try:
    gmsh.merge(sys.argv[1])
except Exception as exc:
    print(json.dumps({"error": str(exc).strip() or "it ran out of memory: a corrupt count?"}))
    sys.exit(0)
dims = [d for d in (3, 2) if len(gmsh.model.mesh.getElements(d)[0])]
out = {"dims": dims, "nodes": len(gmsh.model.mesh.getNodes()[0])}
if dims:
    types, tags, _ = gmsh.model.mesh.getElements(dims[0])
    out.update(types=[int(t) for t in types], cells=int(sum(len(t) for t in tags)))
print(json.dumps(out))
"""


def _read_with_gmsh(path: Path) -> dict[str, Any]:
    """What gmsh reads from ``path``, in a child process with bounded memory and time.

    Corrupt binary meshes can make gmsh allocate without bound (a flipped byte in a block
    count) or loop; the child stops at 2 GB plus 30 times the file size, and after 60 s plus
    1 s per 5 MB, so neither reaches the user's process.
    """
    import json
    import subprocess
    import sys

    size = path.stat().st_size
    memory, seconds = (2 << 30) + 30 * size, 60.0 + size / 5e6
    try:
        r = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(memory)],
                           capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise _fail(path, f"gmsh did not finish reading it within {seconds:.0f} s (is the "
                    "file corrupt?)") from None
    lines = r.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if r.returncode == 0 and lines else {
            "error": f"gmsh stopped reading it (exit code {r.returncode}; out of memory?)"}
    except ValueError:
        return {"error": "gmsh gave no answer"}


@functools.lru_cache(maxsize=32)
def _probe(path: Path, size: int, mtime_ns: int) -> dict[str, Any]:
    return _read_with_gmsh(path)


def probe(path: Path, max_nodes: dict[int, int] | int) -> dict[str, Any]:
    """Read the .msh with gmsh (as ``run`` will) and return its dimension and size.

    The node count of the header is checked first; the file is then read by gmsh in a child
    process (:func:`_read_with_gmsh`). A file read once is not read again until it changes.

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
    st = path.stat()
    got = _probe(path.resolve(), st.st_size, st.st_mtime_ns)
    if "error" in got:
        raise _fail(path, f"gmsh cannot read it ({got['error']})")
    if not got["dims"]:
        raise _fail(path, "the mesh has no triangles or tetrahedra")
    dim = got["dims"][0]
    if got["types"] != [_SIMPLEX[dim]]:
        raise _fail(path, f"{dim}D elements of gmsh types {got['types']}; only linear "
                    "simplices are supported")
    if got["nodes"] > limits[dim]:
        raise _fail(path, f"the {dim}D mesh has {got['nodes']:,} nodes, more than [mesh] "
                    f"max_nodes = {limits[dim]:,}", hint="coarsen it, or raise [mesh] max_nodes")
    return {"dim": dim, "nodes": got["nodes"], "cells": got["cells"]}
