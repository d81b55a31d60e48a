"""Field files for ParaView: XDMF everywhere, ADIOS2 VTX (``.bp``) where dolfinx has it.

Coordinates are written in nm. Nodal scalars go out as discontinuous P1 (keeping the jumps of
n, p and band edges at heterointerfaces) where the dolfinx version can write it, otherwise as
continuous P1 (XDMF on dolfinx >= 0.6 only takes P1 or DG0). Current density vectors are cell
averages (DG0, "cell data" in ParaView); the VTX file carries them as DG1.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import ufl
from dolfinx import fem, io
from dolfinx.fem import petsc as fem_petsc

from ..numerics import compat


class FieldWriter:
    """Write named fields of the current state as a time series.

    Args:
        path: ``.xdmf`` file to create (the VTX folder gets the same stem and ``.bp``).
        mesh: The (scaled) mesh.
        scalars: Name -> (UFL expression, factor to the output unit).
        vectors: Name -> (UFL components, each cell-wise constant, factor to output unit).
        dx: Measure the vector components are integrated with (cell averages).
        length_nm: Length of one mesh unit (nm), to write coordinates in nm.
        vtx: Also write VTX where available.
    """

    def __init__(self, path: str | Path, mesh: Any, scalars: dict[str, tuple],
                 vectors: dict[str, tuple] | None = None, dx: Any = None,
                 length_nm: float = 1.0, vtx: bool = True) -> None:
        self.mesh, self.scalars, self.length_nm = mesh, scalars, length_nm
        path = Path(path)
        self.file = io.XDMFFile(mesh.comm, str(path), "w")
        with self._in_nm():
            self.file.write_mesh(mesh)
        self._build_scalars("DG")
        self.vectors = self._build_vectors(vectors or {}, dx)
        self.vtx, self._vtx_items = None, []
        if vtx:
            self._build_vtx(path.with_suffix(".bp"))

    @property
    def vtx_path(self) -> str | None:
        """The VTX folder written, or None."""
        return self._vtx_name if self.vtx is not None else None

    # -- construction ---------------------------------------------------------------------
    def _build_scalars(self, family: str) -> None:
        V = compat.function_space(self.mesh, family, 1)
        pts = compat.interpolation_points(V)
        self.family = family
        self.items = [(fem.Function(V, name=name), fem.Expression(expr, pts), factor)
                      for name, (expr, factor) in self.scalars.items()]

    def _build_vectors(self, vectors: dict[str, tuple], dx: Any) -> list:
        if not vectors:
            return []
        gdim = self.mesh.geometry.dim
        V0 = compat.function_space(self.mesh, "DG", 0)
        Vv = compat.function_space(self.mesh, "DG", 0, (gdim,) if gdim > 1 else ())
        q0 = ufl.TestFunction(V0)
        n_own = V0.dofmap.index_map.size_local
        cells = np.arange(n_own, dtype=np.int32)
        self._dof0 = compat.cell_dofs(V0, cells)  # owned cell -> scalar DG0 dof
        self._dofv = compat.cell_dofs(Vv, cells)  # owned cell -> (block) dof of the vector
        self._vol = fem_petsc.assemble_vector(fem.form(q0 * dx)).getArray()[:n_own]
        return [(fem.Function(Vv, name=name), [fem.form(c * q0 * dx) for c in comps], factor)
                for name, (comps, factor) in vectors.items()]

    def _build_vtx(self, path: Path) -> None:
        gdim = self.mesh.geometry.dim
        V1 = compat.function_space(self.mesh, "DG", 1)
        V1v = compat.function_space(self.mesh, "DG", 1, (gdim,) if gdim > 1 else ())
        pts = compat.interpolation_points(V1)
        self._vtx_items = [(fem.Function(V1, name=name), fem.Expression(expr, pts), factor)
                           for name, (expr, factor) in self.scalars.items()]
        self._vtx_vectors = [fem.Function(V1v, name=fn.name) for fn, _, _ in self.vectors]
        self._vtx_name = str(path)
        self.vtx = compat.vtx_writer(self.mesh.comm, self._vtx_name,
                                     [f for f, _, _ in self._vtx_items] + self._vtx_vectors)

    @contextmanager
    def _in_nm(self):
        x = self.mesh.geometry.x
        saved = x.copy()
        x[:] *= self.length_nm
        try:
            yield
        finally:
            x[:] = saved

    # -- writing --------------------------------------------------------------------------
    def write(self, t: float) -> None:
        """Write every field at time ``t`` (a temperature in K, a bias in V, a time in s)."""
        for f, expr, factor in self.items:
            f.interpolate(expr)
            f.x.array[:] *= factor
            try:
                self.file.write_function(f, t)
            except RuntimeError:
                if self.family != "DG":
                    raise
                self._build_scalars("Lagrange")
                self.write(t)
                return
        for fn, forms, factor in self.vectors:
            bs = fn.function_space.dofmap.index_map_bs
            for d, form in enumerate(forms):
                vals = fem_petsc.assemble_vector(form).getArray()[: len(self._vol)]
                fn.x.array[self._dofv * bs + d] = vals[self._dof0] / self._vol[self._dof0] * factor
            fn.x.scatter_forward()
            self.file.write_function(fn, t)
        if self.vtx is not None:
            for f, expr, factor in self._vtx_items:
                f.interpolate(expr)
                f.x.array[:] *= factor
            for g, (fn, _, _) in zip(self._vtx_vectors, self.vectors):
                g.interpolate(fn)
            with self._in_nm():
                self.vtx.write(t)

    def close(self) -> None:
        """Close the files."""
        self.file.close()
        if self.vtx is not None:
            self.vtx.close()
