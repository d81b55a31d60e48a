"""``interphase check``'s mesh step: everything ``run`` does to the mesh, without solving.

A 1D stack is graded (its size checked first); a 2D / 3D case's mesh is generated or read as
``run`` reads it, its size checked and its groups matched to the layers and contacts; a
generated mesh's temporary folder is removed afterwards, also on errors.
"""

from __future__ import annotations

from ..case import Case


def check_mesh(case: Case) -> str:
    """Build or read ``case``'s mesh as ``run`` would; a one-phrase description of it.

    Raises:
        CaseError: The mesh is too large, unreadable, or does not fit the case.
    """
    if not case.meshed:
        from .grading import stack_nodes

        x, _ = stack_nodes(case)
        return f"{len(x)} mesh nodes"
    from ..mpistart import start_mpi
    from .gmsh_mesh import checked_groups, discard_generated, geometry_path
    from .msh_file import probe

    MPI = start_mpi()  # quietly, for a process that is not an MPI job
    path = geometry_path(case, MPI.COMM_SELF)
    try:
        checked_groups(case, path)  # reads the file as run will, and checks the groups
        meta = probe(path, {d: case.mesh.node_limit(d) for d in (2, 3)})
    finally:
        discard_generated(case, path, MPI.COMM_SELF)
    return f"{meta['dim']}D mesh, {meta['nodes']} nodes, groups match the layers and contacts"
