"""Ion-blocking metal electrode (Au on LLZTO): zero ion flux, thermionic electron exchange."""

from __future__ import annotations

from .kind import ContactKind


class Blocking(ContactKind):
    """Ion-blocking metal: ions do not cross; electrons and holes by thermionic exchange.

    On an electrolyte an optional Stern (compact-layer) capacitance replaces the pinned
    potential by a Robin condition (see :mod:`solver.physics.boundary`).
    """

    name = "blocking"
    doc = "ion-blocking metal (e.g. Au): zero ion flux, thermionic electron exchange, Stern layer"
    on_electrolyte = True
