"""Schottky contact: work-function-pinned vacuum level and thermionic carrier exchange."""

from __future__ import annotations

from .kind import ContactKind


class Schottky(ContactKind):
    """Metal on a semiconductor with thermionic emission (recombination velocities v_n, v_p)."""

    name = "schottky"
    doc = "metal work function pins the potential; electrons and holes cross by thermionic emission"
