"""Equilibrium study: band diagram, built-in potential and band bending per layer."""

from __future__ import annotations

from typing import Any

from ..analysis.junction import junction_summary
from ..device.problem import DeviceProblem
from ..device.readout import band_diagram, contact_potentials
from .kind import PointCallback, StudyKind


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
    if pb.dm.mesh.topology.dim > 1:  # no 1D band diagram: contact-to-contact potentials
        psi = contact_potentials(pb)
        names = list(psi)
        step = psi[names[-1]] - psi[names[0]]
        entry = {"temperature_K": T, "built_in_potential_V": abs(step),
                 "built_in_potential_signed_V": step, "contact_potentials_V": psi,
                 "newton_iterations": res.iterations}
        return entry, None
    entry = None
    if pb.comm.rank == 0:
        entry = {"temperature_K": T, **junction_summary(bd, pb.dm.layer_names),
                 "newton_iterations": res.iterations}
    return pb.comm.bcast(entry, root=0), bd


class EquilibriumStudy(StudyKind):
    """Thermal equilibrium: band diagram, built-in potential, band bending."""

    name = "equilibrium"

    def run(self, T: float, on_point: PointCallback | None = None) -> tuple[dict[str, Any], Any]:
        """Equilibrium at ``T`` (K)."""
        return run_equilibrium(self.pb, T)
