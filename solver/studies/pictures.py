"""Per-bias pictures of a sweep: field files over bias and electron entry maps (2D / 3D).

A :class:`BiasPoints` recorder keeps the converged state of every bias point of an ``iv`` or
``leakage`` sweep (a copy of the unknowns, a few MB for 100k nodes); after the sweep the states
are replayed in bias order into ``fields_bias.xdmf`` (time = bias in V) and, for devices with
an electrolyte, into electron entry maps at the two extreme biases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..device.entry import ElectronEntry, has_electrolyte_boundary
from ..device.fieldset import scalar_fields, vector_fields
from ..device.problem import DeviceProblem
from ..results.atomic import write_csv
from ..results.fields import FieldWriter
from ..results.maps import electron_entry_map


def field_writer(pb: DeviceProblem, path: Path) -> FieldWriter:
    """A writer of the device's scalar fields and current vectors, coordinates in nm."""
    return FieldWriter(path, pb.dm.mesh, scalar_fields(pb), vector_fields(pb), pb.dx,
                       length_nm=pb.scaling.L0 * 1e9)


class BiasPoints:
    """Sweep callback ``(V, record)`` that keeps the state of every converged bias point."""

    def __init__(self, pb: DeviceProblem) -> None:
        self.pb = pb
        self.points: list[tuple[float, tuple]] = []

    def __call__(self, V: float, record: dict) -> None:
        """Keep the current state as the point at bias ``V`` (V)."""
        self.points.append((V, self.pb.snapshot()))

    def sorted(self) -> list[tuple[float, tuple]]:
        """Points by bias (one per bias)."""
        return sorted({V: s for V, s in self.points}.items())


def wants_points(pb: DeviceProblem, sweeps_bias: bool) -> bool:
    """Whether a study (that ``sweeps_bias`` or not) on ``pb`` needs per-bias states."""
    return sweeps_bias and (
        pb.case.fields or (pb.case.plots and pb.dm.mesh.topology.dim >= 2))


def write_bias_pictures(pb: DeviceProblem, points: BiasPoints, out: Path, suffix: str,
                        title: str) -> dict[str, Any]:
    """Write ``fields_bias<suffix>.xdmf`` and electron entry maps; restore the state after.

    Returns:
        Entry summaries by bias label (``"+1V"``), empty without an electrolyte boundary.
    """
    pb_state = pb.snapshot()
    pts = points.sorted()
    files: dict[str, Any] = {}
    if pb.case.fields and pts:
        writer = field_writer(pb, out / f"fields_bias{suffix}.xdmf")
        for V, state in pts:
            pb.restore(state)
            writer.write(V)
        writer.close()
    if has_electrolyte_boundary(pb) and pts:
        entry = ElectronEntry(pb)
        extremes = [V for V in dict.fromkeys((pts[0][0], pts[-1][0])) if V != 0.0]
        states = dict(pts)
        for V in extremes:
            pb.restore(states[V])
            data = entry.evaluate()
            label = f"{V:+g}V"
            if data is not None:
                files[label] = data["summary"]
                _write_entry(out, f"electron_entry_{label}{suffix}", data,
                             f"{title}, {label}", pb.case.plots)
    pb.restore(pb_state)
    return files


def _write_entry(out: Path, stem: str, data: dict[str, Any], title: str, plots: bool) -> None:
    c = np.asarray(data["centre_nm"])
    cols: dict[str, Any] = {f"{a}_nm": c[:, k] for k, a in enumerate("xyz"[: c.shape[1]])}
    cols["boundary"] = list(data["boundary"])
    cols["facet_measure_nm"] = data["measure"]
    cols["electron_entry_A_per_cm2"] = data["electron_entry_A_per_cm2"]
    write_csv(out / f"{stem}.csv", cols)
    if plots:
        electron_entry_map(out / f"{stem}.png", data, title)
