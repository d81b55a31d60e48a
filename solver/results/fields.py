"""Field files for ParaView: an XDMF time series (time = temperature in K for equilibria)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dolfinx import fem, io

from ..numerics import compat


class FieldWriter:
    """Interpolate named UFL expressions into P1 functions and write them to XDMF.

    Discontinuous P1 keeps the jumps of n, p and band edges at heterointerfaces; where a dolfinx
    version refuses to write it to XDMF, continuous P1 is used instead.

    Args:
        path: ``.xdmf`` file to create.
        mesh: The (scaled) mesh.
        expressions: Name -> (UFL expression, factor to SI output units).
    """

    def __init__(self, path: str | Path, mesh: Any, expressions: dict[str, tuple]) -> None:
        self.mesh, self.expressions = mesh, expressions
        self.file = io.XDMFFile(mesh.comm, str(path), "w")
        self.file.write_mesh(mesh)
        self.items: list = []
        self._build("DG")

    def _build(self, family: str) -> None:
        V = compat.function_space(self.mesh, family, 1)
        pts = compat.interpolation_points(V)
        self.family = family
        self.items = [(fem.Function(V, name=name), fem.Expression(expr, pts), factor)
                      for name, (expr, factor) in self.expressions.items()]

    def write(self, t: float) -> None:
        """Write every field at time ``t``."""
        for f, expr, factor in self.items:
            f.interpolate(expr)
            f.x.array[:] *= factor
            try:
                self.file.write_function(f, t)
            except RuntimeError:
                if self.family != "DG":
                    raise
                self._build("Lagrange")
                self.write(t)
                return

    def close(self) -> None:
        """Close the file."""
        self.file.close()
