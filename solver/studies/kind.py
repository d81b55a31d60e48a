"""What a study kind is: one protocol object per kind, registered once in :mod:`.registry`.

A study kind is a class: constructed once per run on the device (it may prepare what it needs,
e.g. the leakage kind's reference cell), then asked to run at each temperature. Everything the
runner, the output writer and the command line need to know about a kind is here, so adding a
kind means one module (plus its test) and one line in the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ..case import Study
from ..device.problem import DeviceProblem

#: ``on_point(V, record)``: called after each converged bias point of a sweep
PointCallback = Callable[[float, dict], None]


class StudyKind:
    """Base class of study kinds.

    Class attributes:
        name: The ``[study] kind`` value.
        table: Key of the per-temperature columns in an entry, written as ``<table>.csv``
            (None: no table beyond the band diagram).
        sweeps_bias: Whether the kind walks through biases (its states can be kept per bias
            for field series and electron-entry maps).

    Args:
        pb: The device problem.
        study: The study settings.
        petsc_options: Extra PETSc options (for devices the kind builds itself).
    """

    name: ClassVar[str] = ""
    table: ClassVar[str | None] = None
    sweeps_bias: ClassVar[bool] = False

    def __init__(self, pb: DeviceProblem, study: Study,
                 petsc_options: dict[str, str] | None = None) -> None:
        self.pb, self.study, self.petsc_options = pb, study, petsc_options

    def run(self, T: float, on_point: PointCallback | None = None) -> tuple[dict[str, Any], Any]:
        """Run at temperature ``T`` (K).

        Returns:
            ``(entry, band_diagram)``: the summary entry (same on every rank) and the
            equilibrium band diagram columns (rank 0, 1D; None otherwise).
        """
        raise NotImplementedError

    def across_temperatures(self, entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Summary keys computed over the finished temperatures (e.g. activation energies)."""
        return {}

    def temperature_figures(self, out: Path, case_name: str, entry: dict[str, Any],
                            suffix: str) -> None:
        """Draw the kind's PNGs of one temperature, once, when it finishes (rank 0).

        ``suffix`` (``"_300K"``, or empty with one temperature) goes into the file names.
        """

    def figures(self, out: Path, case_name: str, entries: Sequence[dict[str, Any]],
                summary: dict[str, Any]) -> None:
        """Draw the kind's PNGs across temperatures, once, when every one is final (rank 0)."""

    @staticmethod
    def console(entry: dict[str, Any]) -> list[str]:
        """Parts of the one-line console summary of one temperature's entry."""
        return []
