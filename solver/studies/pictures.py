"""Field files and pictures of a run: field series, per-bias states, electron entry, PNG jobs.

A :class:`BiasPoints` recorder keeps the converged state of every bias point of an ``iv`` or
``leakage`` sweep (a copy of the unknowns, a few MB for 100k nodes) and, with field files on,
writes each point's grid into the bias series as soon as it converges (so a killed sweep keeps
every finished point). After the sweep, devices with an electrolyte get electron entry tables
at the two extreme biases, and 2D / 3D devices get PyVista pictures, rendered from the field
grids by :mod:`solver.results.render` in a process of its own (rank 0).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..device.entry import ElectronEntry, has_electrolyte_boundary
from ..device.fieldset import FieldSampler
from ..device.problem import DeviceProblem
from ..results.atomic import write_csv
from ..results.fields import FieldSeries, write_vtu
from ..results.maps import electron_entry_profile
from ..results.render import picture_jobs, render


class BiasPoints:
    """Sweep callback ``(V, record)`` that keeps the state of every converged bias point.

    Args:
        pb: The device problem.
        sampler: Field sampler (with ``series``: each point is written as it converges).
        series: The bias series to write (rank 0; None elsewhere or without field files).
    """

    def __init__(self, pb: DeviceProblem, sampler: FieldSampler | None = None,
                 series: FieldSeries | None = None, write: bool = False) -> None:
        self.pb, self.sampler, self.series, self.write = pb, sampler, series, write
        self.points: list[tuple[float, tuple]] = []

    def __call__(self, V: float, record: dict) -> None:
        """Keep the current state as the point at bias ``V`` (V); write its field grid."""
        self.points.append((V, self.pb.snapshot()))
        if self.write and self.sampler is not None:
            grid = self.sampler.sample()  # collective
            if self.series is not None:
                self.series.write(V, grid)

    def sorted(self) -> list[tuple[float, tuple]]:
        """Points by bias (one per bias)."""
        return sorted({V: s for V, s in self.points}.items())


def wants_points(pb: DeviceProblem, sweeps_bias: bool) -> bool:
    """Whether a study (that ``sweeps_bias`` or not) on ``pb`` needs per-bias states."""
    return sweeps_bias and (
        pb.case.fields or (pb.case.plots and pb.dm.mesh.topology.dim >= 2))


def wants_sampler(pb: DeviceProblem) -> bool:
    """Whether the run needs field grids (field files, or pictures of a 2D / 3D device)."""
    return pb.case.fields or (pb.case.plots and pb.dm.mesh.topology.dim >= 2)


def electron_entry(pb: DeviceProblem, points: BiasPoints, out: Path, suffix: str,
                   title: str) -> tuple[dict[str, Any], list[tuple[str, Path]]]:
    """Electron entry tables (CSV, facet VTU, profile PNG) at the sweep's extreme biases.

    Returns:
        ``(summaries, facet_files)``: entry summaries by bias label (``"+1V"``) and the
        ``(label, VTU path)`` of each facet file (rank 0), both empty without an electrolyte.
    """
    pts = points.sorted()
    files: dict[str, Any] = {}
    facets: list[tuple[str, Path]] = []
    if not (has_electrolyte_boundary(pb) and pts):
        return files, facets
    state = pb.snapshot()
    entry = ElectronEntry(pb)
    states = dict(pts)
    for V in [V for V in dict.fromkeys((pts[0][0], pts[-1][0])) if V != 0.0]:
        pb.restore(states[V])
        data = entry.evaluate()
        label = f"{V:+g}V"
        if data is not None:
            files[label] = data["summary"]
            stem = f"electron_entry_{label}{suffix}"
            _write_entry(out, stem, data, f"{title}, {label}", pb.case.plots)
            facets.append((label, out / f"{stem}.vtu"))
    pb.restore(state)
    return files, facets


def _write_entry(out: Path, stem: str, data: dict[str, Any], title: str, plots: bool) -> None:
    c = np.asarray(data["centre_nm"])
    cols: dict[str, Any] = {f"{a}_nm": c[:, k] for k, a in enumerate("xyz"[: c.shape[1]])}
    cols["boundary"] = list(data["boundary"])
    cols["facet_measure_nm"] = data["measure"]
    cols["electron_entry_A_per_cm2"] = data["electron_entry_A_per_cm2"]
    write_csv(out / f"{stem}.csv", cols)
    write_vtu(out / f"{stem}.vtu", entry_grid(data))
    if plots:
        electron_entry_profile(out / f"{stem}.png", data, title)


def entry_grid(data: dict[str, Any]) -> dict[str, Any]:
    """The entry facets as a grid: segments (2D) or triangles (3D), coordinates in nm.

    Cell data: ``electron_entry_A_per_cm2`` and ``boundary`` (the index of the facet's
    boundary in order of first appearance in the CSV's ``boundary`` column).
    """
    V = np.asarray(data["facet_vertices_nm"], dtype=float)  # (m, k, gdim)
    m, k, gdim = V.shape if V.size else (0, 2, 2)
    points = np.zeros((m * k, 3))
    points[:, :gdim] = V.reshape(-1, gdim)
    names = list(dict.fromkeys(data["boundary"]))
    return {"points": points, "cells": np.arange(m * k).reshape(m, k),
            "point_data": {},
            "cell_data": {"electron_entry_A_per_cm2": np.asarray(
                data["electron_entry_A_per_cm2"], dtype=float),
                "boundary": np.array([names.index(b) for b in data["boundary"]])}}


def temperature_pictures(pb: DeviceProblem, out: Path, suffix: str, title: str,
                         contact: str | None, sampler: FieldSampler | None,
                         points: BiasPoints | None,
                         facets: list[tuple[str, Path]]) -> list[str]:
    """PyVista pictures of one finished temperature of a 2D / 3D device (rank 0 renders).

    The field maps show the state at the sweep's largest |bias| (else the current state),
    drawn from its field grid: the bias series' file when field files are on, else a
    temporary one.

    Returns:
        The PNG names written (rank 0; empty elsewhere).
    """
    if sampler is None or pb.dm.mesh.topology.dim < 2 or not pb.case.plots:
        return []
    state = pb.snapshot()
    if points is not None and points.points:
        pb.restore(max(points.sorted(), key=lambda p: abs(p[0]))[1])
    bias = {name: cs.bias for name, cs in pb.contacts.items()}
    grid = sampler.sample()
    pb.restore(state)
    if pb.comm.rank != 0:
        return []
    where = ", ".join(f"{n} at {v:+g} V" for n, v in bias.items() if n == contact or v)
    with tempfile.TemporaryDirectory(prefix=".pictures-", dir=out) as tmp:
        vtu = Path(tmp) / "state.vtu"
        write_vtu(vtu, grid)
        jobs = picture_jobs(vtu, out, suffix, f"{title}, {where or 'equilibrium'}",
                            pb.dm.mesh.topology.dim, facets)
        return render(jobs)
