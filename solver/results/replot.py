"""``interphase plot``: re-render the pictures of a finished (or killed) run from its field files.

No solve and no dolfinx: the PVD series of the results folder name the steps, the VTU grids
hold the fields, and :mod:`solver.results.render` draws them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InterphaseError
from .fields import read_pvd
from .render import picture_jobs, render

_SERIES = re.compile(r"^fields(_bias)?(?:_(?P<T>[-+0-9.eE]+)K)?\.pvd$")


def find_series(folder: Path) -> list[dict[str, Any]]:
    """Field series of a results folder (and of its study subfolders).

    Returns:
        One dict per PVD: ``path``, ``bias`` (a bias series or the equilibrium one), ``T``
        (K, from a ``_<T>K`` suffix, else None), ``steps`` [(time, VTU)].
    """
    out = []
    for pvd in sorted([*folder.glob("*.pvd"), *folder.glob("*/*.pvd")]):
        m = _SERIES.match(pvd.name)
        if not m:
            continue
        try:
            steps = read_pvd(pvd)
        except Exception as exc:  # a foreign or broken file: name it, do not guess
            raise InterphaseError(f"{pvd}: not a readable PVD collection ({exc})") from None
        out.append({"path": pvd, "bias": bool(m.group(1)),
                    "T": float(m.group("T")) if m.group("T") else None, "steps": steps})
    return out


def _pick(steps: list[tuple[float, Path]], want: float | None, what: str,
          pvd: Path) -> tuple[float, Path]:
    if want is None:
        return max(steps, key=lambda s: abs(s[0]))
    best = min(steps, key=lambda s: abs(s[0] - want))
    if abs(best[0] - want) > 1e-9 * max(1.0, abs(want)):
        have = ", ".join(f"{t:g}" for t, _ in steps)
        raise InterphaseError(f"{pvd}: no step at {what} = {want:g} (steps: {have})")
    return best


def plot(folder: str | Path, field: str | None = None, bias: float | None = None,
         temperature: float | None = None, out: str | Path | None = None) -> list[Path]:
    """Render field maps (and 3D views) from the field files of a results folder.

    Args:
        folder: A results folder of ``interphase run`` (field files on).
        field: Draw only this field (``psi_V``, ``n_cm3``, ``p_cm3``, ``J_A_per_cm2`` or any
            other field of the files, e.g. ``Ec_eV``); default the four standard maps.
        bias: Bias (V) of the bias series to draw; default the series' largest |bias|.
        temperature: Temperature (K) with several temperatures; default every one.
        out: Folder of the PNGs (default ``folder``).

    Returns:
        The PNGs written.

    Raises:
        InterphaseError: No field files, no such step, a 1D result, or rendering failed.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InterphaseError(f"{folder}: not a results folder")
    series = find_series(folder)
    if not series:
        raise InterphaseError(f"{folder}: no field files (fields*.pvd); run with "
                              "[output] fields = true")
    chosen = [s for s in series if s["bias"]] or series
    if bias is not None:
        chosen = [s for s in series if s["bias"]]
        if not chosen:
            raise InterphaseError(f"{folder}: no bias series (fields_bias*.pvd): --bias needs "
                                  "an iv or leakage study")
    if temperature is not None:
        chosen = [s for s in chosen if s["T"] is None or abs(s["T"] - temperature) < 1e-6]
        if not chosen:
            raise InterphaseError(f"{folder}: no series at {temperature:g} K")
    jobs = []
    for s in chosen:
        if not s["bias"] and s["T"] is None and temperature is not None:
            t, vtu = _pick(s["steps"], temperature, "temperature_K", s["path"])
        else:
            t, vtu = _pick(s["steps"], bias if s["bias"] else None,
                           "bias_V" if s["bias"] else "temperature_K", s["path"])
        dim = _dimension(vtu)
        if dim < 2:
            raise InterphaseError(f"{vtu}: a 1D result; its pictures are the band diagrams "
                                  "and curves the run wrote")
        dest = Path(out) if out else s["path"].parent
        dest.mkdir(parents=True, exist_ok=True)
        label = f"{t:+g}V" if s["bias"] else f"{t:g}K"
        suffix = f"_{label}" + (f"_{s['T']:g}K" if s["T"] is not None else "")
        title = f"{s['path'].parent.name}: " + (
            f"bias {t:+g} V" + (f" at {s['T']:g} K" if s["T"] is not None else "")
            if s["bias"] else f"equilibrium at {t:g} K")
        for job in picture_jobs(vtu, dest, suffix, title, dim):
            if field and job["kind"] == "field_map":  # one field: its map (and 3D volume)
                job.update(fields=[field], png=str(dest / f"map_{field}{suffix}.png"))
            elif field and job["kind"] == "volume":
                job.update(field=field, png=str(dest / f"volume_{field}{suffix}.png"))
            elif field:
                continue
            jobs.append(job)
    names = render(jobs, strict=True)
    return [Path(j["png"]) for j in jobs if Path(j["png"]).name in names]


def _dimension(vtu: Path) -> int:
    """Topological dimension of a field grid (from its cell type, read with meshio)."""
    import meshio

    try:
        m = meshio.read(vtu)
    except Exception as exc:
        raise InterphaseError(f"{vtu}: unreadable field file ({exc})") from None
    return {"line": 1, "triangle": 2, "tetra": 3}.get(m.cells[0].type, 0)
