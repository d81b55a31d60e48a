"""Field files: one VTU grid per step holding every field, listed by a ParaView PVD collection.

A series ``NAME`` is ``NAME.pvd`` plus one ``NAME/<step>.vtu`` per step (a temperature, a
bias). Each VTU holds the whole state on one unstructured grid: nodal fields as point data,
current densities and the layer index as cell data, coordinates in nm. meshio, VTK's
``vtkXMLUnstructuredGridReader`` and ParaView read every file whole, with no block to pick.

Written for kills: every VTU goes to a temporary name and is renamed when complete, and the
PVD is rewritten (atomically) after every step, listing only complete steps. A killed run
therefore leaves a valid series holding every step it finished.

numpy + meshio only (no dolfinx): rank 0 writes what :class:`solver.device.fieldset.FieldSampler`
gathered.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import numpy as np

from .atomic import write_text

#: meshio cell type by number of vertices per cell (1D cells are VTK_LINE: meshio reads them)
CELL_TYPES = {2: "line", 3: "triangle", 4: "tetra"}


def write_vtu(path: str | Path, grid: Mapping[str, Any]) -> None:
    """Write one grid (``points`` (n, 3) nm, ``cells``, ``point_data``, ``cell_data``) as VTU.

    The file appears complete or not at all (temporary name, fsync, rename).
    """
    import meshio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    cells = np.asarray(grid["cells"])
    mesh = meshio.Mesh(
        np.asarray(grid["points"], dtype=float), [(CELL_TYPES[cells.shape[1]], cells)],
        point_data={k: np.asarray(v, dtype=float) for k, v in grid["point_data"].items()},
        cell_data={k: [np.asarray(v)] for k, v in grid["cell_data"].items()})
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".vtu", dir=path.parent)
    os.close(fd)
    try:
        meshio.write(tmp, mesh, file_format="vtu")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def step_name(time: float, unit: str) -> str:
    """File stem of a step: ``T300K``, ``V+0.5000V``, ``t1.000e-03s``."""
    if unit == "K":
        return f"T{time:g}K"
    if unit == "V":
        return f"V{time:+.4f}V"
    return f"t{time:.6e}{unit}"


class FieldSeries:
    """A time series of field grids: ``<folder>/<name>.pvd`` and ``<folder>/<name>/*.vtu``.

    Creating a series removes the files of an earlier series of the same name, so the PVD and
    the folder always describe this run only.

    Args:
        folder: Output folder.
        name: Series name (``fields``, ``fields_bias``, ``fields_bias_300K``).
        quantity: What the PVD's time is: ``temperature_K``, ``bias_V``, ``time_s``.
    """

    def __init__(self, folder: str | Path, name: str, quantity: str) -> None:
        self.folder, self.name, self.quantity = Path(folder), name, quantity
        self.unit = quantity.rsplit("_", 1)[-1]
        self.steps: dict[float, str] = {}
        sub = self.folder / name
        if sub.is_dir():
            for old in sub.glob("*.vtu"):
                old.unlink()
        (self.folder / f"{name}.pvd").unlink(missing_ok=True)

    @property
    def pvd(self) -> Path:
        """The collection file."""
        return self.folder / f"{self.name}.pvd"

    def write(self, time: float, grid: Mapping[str, Any]) -> Path:
        """Write the grid of one step (``time`` in the series' unit) and update the PVD."""
        rel = f"{self.name}/{step_name(time, self.unit)}.vtu"
        write_vtu(self.folder / rel, grid)
        self.steps[float(time)] = rel
        write_text(self.pvd, pvd_text(self.steps))
        return self.folder / rel

    def record(self) -> dict[str, Any]:
        """Summary entry: the PVD's time quantity and the steps it holds."""
        return {"time": self.quantity, "steps": sorted(self.steps),
                "files": [self.steps[t] for t in sorted(self.steps)]}


def pvd_text(steps: Mapping[float, str]) -> str:
    """A ParaView collection listing ``time -> relative VTU path`` in time order."""
    rows = "".join(f'    <DataSet timestep="{t!r}" group="" part="0" file={quoteattr(f)}/>\n'
                   for t, f in sorted(steps.items()))
    return ('<?xml version="1.0"?>\n'
            '<VTKFile type="Collection" version="0.1" byte_order="LittleEndian">\n'
            f"  <Collection>\n{rows}  </Collection>\n</VTKFile>\n")


def read_pvd(path: str | Path) -> list[tuple[float, Path]]:
    """``(time, VTU path)`` of every step of a PVD collection, in time order."""
    import xml.etree.ElementTree as ET

    path = Path(path)
    root = ET.parse(path).getroot()
    out = [(float(d.get("timestep", "0")), path.parent / d.get("file", ""))
           for d in root.iter("DataSet")]
    return sorted(out, key=lambda r: r[0])
