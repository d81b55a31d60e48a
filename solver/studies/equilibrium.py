"""Equilibrium study: band diagram, built-in potential and band bending per layer."""

from __future__ import annotations

from typing import Any

from ..analysis.junction import junction_summary
from .problem import DeviceProblem
from .readout import band_diagram


def run_equilibrium(pb: DeviceProblem, T: float) -> tuple[dict[str, Any], dict | None]:
    """Solve thermal equilibrium at ``T``.

    Args:
        pb: The device problem.
        T: Temperature (K).

    Returns:
        ``(entry, band_diagram)``: the summary entry (same on every rank) and the band diagram
        columns (rank 0; None elsewhere).
    """
    pb.set_temperature(T)
    res = pb.solve_equilibrium()
    bd = band_diagram(pb)
    entry = None
    if pb.comm.rank == 0:
        entry = {"temperature_K": T, **junction_summary(bd, pb.dm.layer_names),
                 "newton_iterations": res.iterations}
    return pb.comm.bcast(entry, root=0), bd
