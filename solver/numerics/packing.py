"""Packed form coefficients: every coefficient packed once per solve, the live ones refreshed.

DOLFINx gathers the values of every coefficient of a form into a cell-wise table ("packs"
them) before each assembly. The device forms carry 16-18 coefficients (material fields,
contact weights, previous time levels) of which only the Newton unknown and its compensated
base change while Newton iterates; packing all of them is ~20 % of an iteration at 20,000
nodes. :class:`PackedCoefficients` packs the table once (:meth:`pack`, at the start of each
solve) and, before each assembly, copies only the live functions' values into their entries
(:meth:`refresh`), with an index map found once by probing: each live function is filled with
two distinct ramps, and the table entries that differ by the ramps' offset are that function's,
their values its dof numbers. A table refreshed that way is checked against a fresh pack once
(it must be identical); where it is not, where packing fails, or where the assemblers take no
packed coefficients (:func:`solver.numerics.compat.coefficient_packer`), every assembly packs
afresh as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from dolfinx import fem

from . import compat

log = logging.getLogger(__name__)

_A, _B = 0.5, 0.25  # the probes' offsets: ramp + _A and ramp + _B (exact in binary)


class PackedCoefficients:
    """The coefficient table of one compiled form, refreshed where ``live`` functions appear.

    Args:
        form: A compiled form (``dolfinx.fem.form``).
        live: Functions that change between assemblies of one solve (the unknown and
            whatever its callbacks rewrite); the other coefficients must stay fixed until the
            next :meth:`pack`.
    """

    def __init__(self, form: Any, live: Sequence[fem.Function]) -> None:
        self.form = form
        self._pack = compat.coefficient_packer()
        self.table: dict | None = None
        self._maps: list[tuple[fem.Function, list[tuple[Any, np.ndarray, np.ndarray]]]] = []
        if self._pack is not None:
            try:
                self._maps = [(f, self._probe(f)) for f in live]
                usable = self._verified()
            except (TypeError, ValueError, RuntimeError) as exc:  # a DOLFINx we do not know
                log.debug("coefficients packed by dolfinx on every assembly: %s", exc)
                usable = False
            if not usable:
                self._pack, self._maps, self.table = None, [], None

    @property
    def active(self) -> bool:
        """Whether assemblies use the kept table (False: dolfinx packs on every assembly)."""
        return self._pack is not None

    def _probe(self, f: fem.Function) -> list[tuple[Any, np.ndarray, np.ndarray]]:
        """``(key, flat table positions, dof indices)`` of ``f`` in each integral's table."""
        held = f.x.array.copy()
        ramp = np.arange(held.size, dtype=held.dtype)
        try:
            f.x.array[:] = ramp + _A
            a = self._pack(self.form)
            f.x.array[:] = ramp + _B
            b = self._pack(self.form)
        finally:
            f.x.array[:] = held
        out = []
        for key, ta in a.items():
            pos = np.flatnonzero(np.asarray(ta).ravel() - np.asarray(b[key]).ravel() == _A - _B)
            if pos.size:
                idx = (np.asarray(ta).ravel()[pos] - _A).astype(np.int64)
                out.append((key, pos, idx))
        return out

    def _verified(self) -> bool:
        """A stale table refreshed from the live functions equals a fresh pack (bit for bit)."""
        held = [f.x.array.copy() for f, _ in self._maps]
        try:
            for f, _ in self._maps:  # stale live values
                f.x.array[:] = np.arange(f.x.array.size, dtype=f.x.array.dtype) - 7.0
            self.pack()
        finally:
            for (f, _), h in zip(self._maps, held):
                f.x.array[:] = h
        self.refresh()
        fresh = self._pack(self.form)
        same = set(fresh) == set(self.table) and all(
            np.array_equal(np.asarray(fresh[k]), np.asarray(self.table[k])) for k in fresh)
        self.table = None
        return same

    def pack(self) -> None:
        """Pack every coefficient afresh (at the start of a solve)."""
        if self._pack is not None:
            self.table = self._pack(self.form)

    def current(self) -> dict | None:
        """The table with the live functions' present values (None: let dolfinx pack)."""
        if self._pack is None:
            return None
        if self.table is None:
            self.pack()
        else:
            self.refresh()
        return self.table

    def refresh(self) -> None:
        """Copy the live functions' present values into their table entries."""
        for f, entries in self._maps:
            x = f.x.array
            for key, pos, idx in entries:
                np.put(self.table[key], pos, x[idx])
