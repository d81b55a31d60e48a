"""Compensated unknowns: a value held as the unevaluated sum ``base + sol`` of two arrays.

Newton updates ``sol``; before every update :func:`renormalise` moves the value into ``base``
rounded to multiples of a quantum (2^-20 scaled units, about 1e-6 kT/q) and leaves the fine
remainder in ``sol``. Neighbouring nodes of a nearly flat quasi-Fermi level then hold
*identical* ``base`` values, whose gradient the form compiler evaluates as exactly zero, and
``sol`` keeps the small remainder (|sol| < 1e-6) with ~1e-22 absolute precision.
"""

from __future__ import annotations

import numpy as np

QUANTUM = 2.0**-20  # base values are multiples of this (scaled potential units)


def renormalise(base: np.ndarray, sol: np.ndarray, free: np.ndarray,
                quantum: float = QUANTUM) -> None:
    """Requantise ``base`` and move the remainder into ``sol`` at the ``free`` entries, in place.

    ``base - new_base`` is exact (Sterbenz) where it matters, so ``base + sol`` keeps its value;
    entries outside ``free`` (Dirichlet values: base = boundary value, sol = 0) are untouched.

    Args:
        base: Coarse part (scaled units); becomes multiples of ``quantum`` at ``free``.
        sol: Fine part (scaled units).
        free: Indices (or a mask) of the entries to renormalise.
        quantum: The rounding step (a power of two keeps the split exact).
    """
    new = np.round((base[free] + sol[free]) / quantum) * quantum
    sol[free] = (base[free] - new) + sol[free]
    base[free] = new
