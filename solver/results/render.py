"""Render PyVista pictures from field files in a process of their own.

The PyPI VTK wheel must not share a process with Debian 12's dolfinx 0.5.2 (dolfinx loads
with ``RTLD_GLOBAL`` and VTK then binds libstdc++ symbols inside libdolfinx: ``std::bad_alloc``
in ``vtkScalarBarActor``), so a run never imports VTK: rank 0 starts
``python -m solver.results.render`` with a list of picture jobs on its standard input, and
that process (which never imports dolfinx or MPI) reads the VTU files and writes the PNGs.
The same path serves ``interphase plot``. Off-screen rendering uses EGL
(``VTK_DEFAULT_OPENGL_WINDOW=vtkEGLRenderWindow``): no display, no Xvfb.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EGL = {"VTK_DEFAULT_OPENGL_WINDOW": "vtkEGLRenderWindow"}


def picture_jobs(vtu: str | Path, out: str | Path, suffix: str, title: str, tdim: int,
                 facets: Sequence[tuple[str, str | Path]] = ()) -> list[dict[str, Any]]:
    """The pictures of one state of a 2D / 3D device.

    Args:
        vtu: The state's field grid.
        out: Folder of the PNGs.
        suffix: File name suffix (``_300K`` with several temperatures).
        title: Title line (case, temperature, bias).
        tdim: Mesh dimension (2 or 3).
        facets: ``(bias label, VTU)`` electron entry facet files.

    Returns:
        Jobs for :func:`render`: field maps (2D: the device; 3D: its mid-plane section), and
        in 3D a clipped volume and iso-surfaces of log10 n; one entry map per facet file.
    """
    out = Path(out)
    jobs = [{"kind": "field_map", "vtu": str(vtu), "png": str(out / f"field_map{suffix}.png"),
             "title": title}]
    if tdim == 3:
        jobs += [{"kind": "volume", "vtu": str(vtu),
                  "png": str(out / f"volume_log_n{suffix}.png"), "title": title},
                 {"kind": "iso", "vtu": str(vtu),
                  "png": str(out / f"iso_log_n{suffix}.png"), "title": title}]
    for label, facet_vtu in facets:
        jobs.append({"kind": "entry", "vtu": str(vtu), "facets": str(facet_vtu),
                     "png": str(out / f"electron_entry_map_{label}{suffix}.png"),
                     "title": f"{title}: electron entry at {label}"})
    return jobs


def render(jobs: Sequence[dict[str, Any]], timeout_s: float = 600.0,
           strict: bool = False) -> list[str]:
    """Run the picture jobs in a renderer process; return the names of the PNGs written.

    A renderer that fails (no OpenGL, a broken file) is logged as a warning with its last
    error line; the results of the run stand without the pictures.

    Raises:
        InterphaseError: With ``strict``, instead of the warning.
    """
    if not jobs:
        return []

    def failed(msg: str) -> list[str]:
        if strict:
            from ..errors import InterphaseError

            raise InterphaseError(f"pictures not rendered: {msg}")
        log.warning("pictures not rendered: %s", msg)
        return []

    env = {**os.environ, **{k: v for k, v in EGL.items() if k not in os.environ}}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run([sys.executable, "-m", "solver.results.render"],
                              input=json.dumps(list(jobs)), capture_output=True, text=True,
                              env=env, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return failed(str(exc))
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        return failed(f"renderer exit {proc.returncode}: {last}")
    return [line for line in proc.stdout.splitlines() if line.endswith(".png")]


def _main() -> int:
    jobs = json.loads(sys.stdin.read())
    for k, v in EGL.items():
        os.environ.setdefault(k, v)
    from . import pvmaps

    for job in jobs:
        pvmaps.draw(job)
        print(Path(job["png"]).name, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
