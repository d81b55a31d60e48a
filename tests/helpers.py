"""Helpers shared by tests (importable as ``helpers``; tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"


def diode_toml(NA: float = 1e17, ND: float = 1e16, thickness_nm: float = 1000.0,
               study: str = 'kind = "equilibrium"', extra: str = "",
               temperature: float = 300.0, material: str = "Si") -> str:
    """A two-layer silicon diode case (p on the left)."""
    return f"""
name = "diode"
temperature_K = {temperature}
[[layers]]
name = "p"
material = "{material}"
thickness_nm = {thickness_nm}
acceptors_cm3 = {NA}
[[layers]]
name = "n"
material = "{material}"
thickness_nm = {thickness_nm}
donors_cm3 = {ND}
[contacts.left]
kind = "ohmic"
[contacts.right]
kind = "ohmic"
[study]
{study}
{extra}
"""


def one_line_error(call: Callable[[], Any], *fragments: str) -> str:
    """The CaseError message of ``call()``: one line that contains every fragment."""
    import pytest

    from solver.errors import CaseError

    with pytest.raises(CaseError) as exc:
        call()
    msg = str(exc.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, msg
    return msg


_VTK_DUMP = """
import sys, numpy as np
from vtkmodules.vtkIOXML import vtkXMLUnstructuredGridReader
from vtkmodules.util.numpy_support import vtk_to_numpy
r = vtkXMLUnstructuredGridReader()
r.SetFileName(sys.argv[1])
r.Update()
g = r.GetOutput()
out = {"points": vtk_to_numpy(g.GetPoints().GetData())}
for kind, data in (("point", g.GetPointData()), ("cell", g.GetCellData())):
    for i in range(data.GetNumberOfArrays()):
        out[kind + ":" + data.GetArrayName(i)] = vtk_to_numpy(data.GetArray(i))
np.savez(sys.argv[2], **out)
"""


def vtk_read(path: Path, tmp: Path) -> dict[str, Any]:
    """Arrays of a VTU read by VTK's own XML reader, in a process without dolfinx.

    Returns ``points`` and ``point:<name>`` / ``cell:<name>`` arrays (VTK must not share a
    process with Debian 12's dolfinx, see solver/results/render.py).
    """
    import subprocess
    import sys

    import numpy as np

    npz = tmp / f"{Path(path).stem}.npz"
    subprocess.run([sys.executable, "-c", _VTK_DUMP, str(path), str(npz)], check=True,
                   capture_output=True, timeout=120)
    with np.load(npz) as data:
        return {k: data[k] for k in data.files}
