"""The one place that knows dolfinx versions (0.5.2 on Debian 12, 0.9 on Debian 13, 0.10+).

Everything else imports dolfinx features through these functions. Feature checks (attributes,
signatures) are preferred to version numbers.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as np

import dolfinx
import ufl
from dolfinx import fem, mesh
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

DOLFINX_VERSION: str = dolfinx.__version__
_NEW_ELEMENTS = not hasattr(ufl, "FiniteElement")  # 0.7+: basix.ufl elements


def _element(family: str, cell: str, degree: int, shape: tuple[int, ...] = ()) -> Any:
    if _NEW_ELEMENTS:
        import basix.ufl

        return basix.ufl.element(family, cell, degree, shape=shape or None)
    if shape:
        return ufl.VectorElement(family, cell, degree, dim=shape[0])
    return ufl.FiniteElement(family, cell, degree)


def create_interval_mesh(comm: MPI.Comm, x: np.ndarray) -> mesh.Mesh:
    """A 1D mesh through the given sorted node coordinates, distributed over ``comm``.

    Rank 0 provides the nodes; dolfinx partitions the cells across ranks.

    Args:
        comm: Communicator.
        x: Node coordinates (any length unit the caller chooses), sorted.
    """
    if comm.rank == 0:
        pts = np.asarray(x, dtype=np.float64).reshape(-1, 1)
        n = pts.shape[0]
        cells = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1).astype(np.int64)
    else:
        pts = np.zeros((0, 1), dtype=np.float64)
        cells = np.zeros((0, 2), dtype=np.int64)
    coord_el = _element("Lagrange", "interval", 1, shape=(1,))
    domain = ufl.Mesh(coord_el)
    names = list(inspect.signature(mesh.create_mesh).parameters)
    if names[2] == "x":  # 0.5 - 0.9: (comm, cells, x, e); 0.10+: (comm, cells, e, x)
        return mesh.create_mesh(comm, cells, pts, domain)
    return mesh.create_mesh(comm, cells, domain, pts)


def read_msh(path: str, comm: MPI.Comm, gdim: int | None = None) -> tuple:
    """``(mesh, cell_tags, facet_tags)`` from a gmsh .msh file (read on rank 0, distributed).

    ``gmshio.read_from_msh`` is broken in DOLFINx 0.5 (it returns an undefined name on the
    reading rank), so the file is opened with gmsh here and ``model_to_mesh`` distributes it.
    """
    import gmsh

    try:
        from dolfinx.io import gmshio as reader  # 0.5 - 0.9
    except ImportError:  # 0.10+
        from dolfinx.io import gmsh as reader
    if gdim is None:
        gdim = _msh_gdim(path)
    if comm.rank == 0:
        gmsh.initialize()
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(path)
    try:
        out = reader.model_to_mesh(gmsh.model, comm, 0, gdim=gdim)
    finally:
        if comm.rank == 0:
            gmsh.finalize()
    if hasattr(out, "mesh"):  # 0.10 MeshData
        return out.mesh, out.cell_tags, out.facet_tags
    return out[0], out[1], out[2]


def _msh_gdim(path: str) -> int:
    """2 if every node of the .msh has z = 0, else 3 (read with the gmsh module)."""
    import gmsh

    gmsh.initialize()
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(path)
        _, coords, _ = gmsh.model.mesh.getNodes()
        return 2 if np.allclose(np.asarray(coords)[2::3], 0.0) else 3
    finally:
        gmsh.finalize()


def function_space(msh: mesh.Mesh, family: str = "Lagrange", degree: int = 1,
                   shape: tuple[int, ...] = ()) -> fem.FunctionSpace:
    """A (scalar or blocked vector) function space on ``msh``."""
    cell = msh.ufl_cell().cellname()
    el = _element(family, cell, degree, shape)
    if hasattr(fem, "functionspace"):
        return fem.functionspace(msh, el)
    return fem.FunctionSpace(msh, el)


def petsc_vec(u: fem.Function) -> PETSc.Vec:
    """The PETSc vector that wraps ``u``'s degrees of freedom."""
    x = u.x
    return x.petsc_vec if hasattr(x, "petsc_vec") else u.vector


def create_matrix(a: Any) -> PETSc.Mat:
    """A PETSc matrix with the sparsity of the compiled bilinear form ``a``."""
    return fem_petsc.create_matrix(a)


@functools.cache
def coefficient_packer() -> Any:
    """A packer (compiled form -> DOLFINx's dict of cell-wise coefficient tables), or None.

    None where the PETSc assemblers take no ``coeffs`` (then each assembly packs its own).
    The packer calls the compiled ``dolfinx.cpp.fem.pack_coefficients`` on the object the
    assemblers themselves pack: the C++ form behind the Python wrapper (``_cpp_object``, 0.6+)
    or the form itself (0.5, where the compiled form is the C++ class). The Python
    ``dolfinx.fem.assemble.pack_coefficients`` is not used: on 0.9 it hands the wrapper to the
    C++ function unwrapped (``TypeError: incompatible function arguments``).
    """
    from dolfinx import cpp

    pack = getattr(cpp.fem, "pack_coefficients", None)
    takes = all("coeffs" in inspect.signature(f).parameters
                for f in (fem_petsc.assemble_vector, fem_petsc.assemble_matrix))
    if pack is None or not takes:
        return None

    def packer(form: Any) -> dict:
        return pack(getattr(form, "_cpp_object", form))

    return packer


def assemble_matrix(A: PETSc.Mat, a: Any, bcs: list, diagonal: float = 1.0,
                    coeffs: dict | None = None) -> None:
    """Assemble ``a`` into ``A`` (zeroed first); Dirichlet rows get ``diagonal`` on the diagonal.

    ``coeffs``: packed coefficients (:mod:`solver.numerics.packing`); None packs them here.
    """
    A.zeroEntries()
    if coeffs is None:
        fem_petsc.assemble_matrix(A, a, bcs, diagonal)
    else:
        fem_petsc.assemble_matrix(A, a, bcs, diagonal, coeffs=coeffs)
    A.assemble()


def assemble_residual(b: PETSc.Vec, L: Any, a: Any, bcs: list, x: PETSc.Vec,
                      coeffs: dict | None = None) -> None:
    """Assemble a Newton residual into ``b``: rows of Dirichlet dofs hold ``x - g``.

    Args:
        b: Output vector (ghosted like ``x``).
        L: Compiled residual form.
        a: Compiled Jacobian form (for lifting).
        bcs: Dirichlet conditions.
        x: Current iterate.
        coeffs: ``L``'s packed coefficients (:mod:`solver.numerics.packing`); None packs them.
    """
    with b.localForm() as loc:
        loc.set(0.0)
    if coeffs is None:
        fem_petsc.assemble_vector(b, L)
    else:
        fem_petsc.assemble_vector(b, L, coeffs=coeffs)
    # no lifting: the Newton driver writes the boundary values into x before iterating, so
    # x - g = 0 on Dirichlet dofs and the lifting term A (g - x) vanishes
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, bcs, x, -1.0)


def assemble_scalar(form: Any, comm: MPI.Comm) -> float:
    """Assemble a scalar form and sum over ranks."""
    return comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)


def constant(msh: mesh.Mesh, value: float) -> fem.Constant:
    """A real scalar :class:`dolfinx.fem.Constant`."""
    return fem.Constant(msh, PETSc.ScalarType(value))


def meshtags(msh: mesh.Mesh, dim: int, indices: np.ndarray, values: np.ndarray) -> Any:
    """Mesh tags on entities of dimension ``dim`` (indices sorted as dolfinx requires)."""
    order = np.argsort(indices)
    return mesh.meshtags(msh, dim, np.asarray(indices, dtype=np.int32)[order],
                         np.asarray(values, dtype=np.int32)[order])


def write_meshtags(xdmf: Any, tags: Any, msh: mesh.Mesh) -> None:
    """Write mesh tags to an open XDMF file (signature changed in 0.6)."""
    try:
        xdmf.write_meshtags(tags, msh.geometry)
    except TypeError:
        xdmf.write_meshtags(tags)


def cell_count(msh: mesh.Mesh) -> int:
    """Number of cells owned by this rank."""
    tdim = msh.topology.dim
    return msh.topology.index_map(tdim).size_local


def cell_dofs(V: fem.FunctionSpace, cells: np.ndarray) -> np.ndarray:
    """Dofs of ``V`` (unblocked, one per cell for DG0) on the given local cells."""
    lst = V.dofmap.list
    arr = np.asarray(lst.array if hasattr(lst, "array") else lst)
    return arr.reshape(-1, V.dofmap.dof_layout.num_dofs)[cells].ravel()


def cell_vertex_coordinates(msh: mesh.Mesh) -> np.ndarray:
    """Vertex coordinates of every local cell (owned and ghost), ``(ncells, nverts, gdim)``."""
    tdim, gdim = msh.topology.dim, msh.geometry.dim
    n = msh.topology.index_map(tdim).size_local + msh.topology.index_map(tdim).num_ghosts
    dm = msh.geometry.dofmap
    arr = np.asarray(dm.array if hasattr(dm, "array") else dm).reshape(n, -1)
    return np.asarray(msh.geometry.x)[arr[:, : tdim + 1], :gdim]


def interpolation_points(V: fem.FunctionSpace) -> np.ndarray:
    """Reference interpolation points of ``V``'s element."""
    p = V.element.interpolation_points
    return p() if callable(p) else p


def vertex_quadrature_metadata(tdim: int) -> dict[str, Any]:
    """Quadrature metadata that integrates at the cell vertices (mass lumping for P1).

    In 1D this is the 2-point Gauss-Lobatto rule (the trapezoid rule).
    """
    if tdim == 1:
        return {"quadrature_rule": "GLL", "quadrature_degree": 1}
    return {"quadrature_rule": "vertex", "quadrature_degree": 1}


def midpoint_quadrature_metadata() -> dict[str, Any]:
    """One-point (midpoint) quadrature."""
    return {"quadrature_degree": 1}


def reference_vertices(msh: mesh.Mesh) -> np.ndarray:
    """Vertices of the reference simplex of ``msh`` (interval, triangle, tetrahedron)."""
    tdim = msh.topology.dim
    return np.vstack([np.zeros(tdim), np.eye(tdim)])


def expression_eval(expr: fem.Expression, msh: mesh.Mesh, cells: np.ndarray) -> np.ndarray:
    """Values of a compiled :class:`dolfinx.fem.Expression` on local ``cells``.

    Returns:
        ``(len(cells), n_points * value_size)``, in the order of the expression's points.
    """
    cells = np.asarray(cells, dtype=np.int32)
    names = list(inspect.signature(expr.eval).parameters)
    if names[0] == "cells":  # 0.5 - 0.6: eval(cells)
        out = expr.eval(cells)
    else:  # 0.7+: eval(mesh, entities)
        out = expr.eval(msh, cells)
    return np.asarray(out).reshape(len(cells), -1)


def input_node_indices(msh: mesh.Mesh) -> np.ndarray:
    """Global input index of each local geometry node (the same on any partition)."""
    return np.asarray(msh.geometry.input_global_indices, dtype=np.int64)


def cell_geometry_nodes(msh: mesh.Mesh) -> np.ndarray:
    """Local geometry node of each vertex of every local cell, ``(ncells, tdim + 1)``."""
    tdim = msh.topology.dim
    n = msh.topology.index_map(tdim).size_local + msh.topology.index_map(tdim).num_ghosts
    dm = msh.geometry.dofmap
    return np.asarray(dm.array if hasattr(dm, "array") else dm).reshape(n, -1)[:, : tdim + 1]
