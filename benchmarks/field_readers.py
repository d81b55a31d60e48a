"""Which readers open a field file as one grid with every field (the reader table of issue 16).

    python benchmarks/field_readers.py RESULTS_DIR [RESULTS_DIR ...]

For every ``fields*.xdmf`` / ``fields*.pvd`` / ``.vtu`` of the folders it tries meshio
(``meshio.read``; XDMF also ``meshio.xdmf.TimeSeriesReader``), VTK's own reader (XDMF:
``vtkXdmfReader``, PVD: ``vtkPVDReader`` is ParaView's, so each VTU of it with
``vtkXMLUnstructuredGridReader``) in a process without dolfinx, and ParaView's ``pvbatch``
under ``xvfb-run`` when Debian's paraview is installed. A reader passes when it gives one
dataset (not a multiblock) holding every field.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PVBATCH = """
import sys
from paraview.simple import OpenDataFile, servermanager
r = OpenDataFile(sys.argv[1])
r.UpdatePipeline()
d = servermanager.Fetch(r)
blocks = d.GetNumberOfBlocks() if d.IsA("vtkMultiBlockDataSet") else 1
names = set()
def walk(o):
    if o is None:
        return
    if o.IsA("vtkMultiBlockDataSet"):
        for i in range(o.GetNumberOfBlocks()):
            walk(o.GetBlock(i))
        return
    if o.IsA("vtkMultiPieceDataSet"):
        for i in range(o.GetNumberOfPieces()):
            walk(o.GetPiece(i))
        return
    for a in (o.GetPointData(), o.GetCellData()):
        names.update(a.GetArrayName(i) for i in range(a.GetNumberOfArrays()))
walk(d)
print("RESULT", blocks, len(names), d.GetClassName())
"""

VTK = """
import sys
p = sys.argv[1]
if p.endswith(".xdmf"):
    from vtkmodules.vtkIOXdmf2 import vtkXdmfReader as R
else:
    from vtkmodules.vtkIOXML import vtkXMLUnstructuredGridReader as R
r = R(); r.SetFileName(p); r.Update()
d = r.GetOutputDataObject(0)
multi = d.IsA("vtkMultiBlockDataSet")
blocks = d.GetNumberOfBlocks() if multi else 1
names = set()
def walk(o):
    if o.IsA("vtkMultiBlockDataSet"):
        for i in range(o.GetNumberOfBlocks()):
            walk(o.GetBlock(i))
        return
    for a in (o.GetPointData(), o.GetCellData()):
        names.update(a.GetArrayName(i) for i in range(a.GetNumberOfArrays()))
walk(d)
print("RESULT", blocks, len(names), d.GetClassName())
"""


def _run(code: str, path: Path, pv: bool = False) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(code)
    cmd = (["xvfb-run", "-a", "pvbatch", fh.name, str(path)] if pv
           else [sys.executable, fh.name, str(path)])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"no ({type(exc).__name__})"
    finally:
        Path(fh.name).unlink()
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1][:80]
        return f"no ({last})"
    _, blocks, fields, cls = line.split()
    one = blocks == "1" and "MultiBlock" not in cls
    return f"{'yes' if one else 'no'} ({blocks} block(s), {fields} fields, {cls})"


def _meshio(path: Path) -> str:
    import meshio

    try:
        if path.suffix == ".pvd":
            from solver.results.fields import read_pvd

            steps = read_pvd(path)
            m = meshio.read(steps[-1][1])
            return f"yes ({len(steps)} steps; each VTU: {len(m.cells)} grid, " \
                   f"{len(m.point_data) + len(m.cell_data)} fields)"
        m = meshio.read(path)
        return f"yes ({len(m.point_data) + len(m.cell_data)} fields)"
    except BaseException as exc:  # meshio calls sys.exit on dolfinx's XDMF
        return f"no ({type(exc).__name__}: {str(exc)[:60]})"


def _series(path: Path) -> str:
    import meshio

    if path.suffix != ".xdmf":
        return "-"
    try:
        with meshio.xdmf.TimeSeriesReader(path) as r:
            r.read_points_cells()
            n = r.num_steps
            _, pd, cd = r.read_data(n - 1)
        return f"{len(pd) + len(cd)} fields per step ({n} steps)"
    except BaseException as exc:
        return f"no ({type(exc).__name__}: {str(exc)[:60]})"


def main(folders: list[str]) -> dict:
    """Print and return the table: file -> reader -> verdict."""
    rows = {}
    for folder in folders:
        for path in sorted([*Path(folder).glob("fields*.xdmf"), *Path(folder).glob("fields*.pvd")]):
            vtk_target = path
            if path.suffix == ".pvd":
                from solver.results.fields import read_pvd

                vtk_target = read_pvd(path)[-1][1]
            row = {"meshio.read": _meshio(path), "meshio TimeSeriesReader": _series(path),
                   "VTK reader": _run(VTK, vtk_target)}
            if shutil.which("pvbatch") and shutil.which("xvfb-run"):
                row["ParaView pvbatch"] = _run(PVBATCH, path, pv=True)
            rows[str(path)] = row
            print(path, json.dumps(row, indent=1))
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
