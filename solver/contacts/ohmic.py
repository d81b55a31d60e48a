"""Ohmic contact: charge neutrality and equilibrium, ``u = u_neutral + V``, ``v = w = V``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..physics import boundary
from .kind import ContactKind

if TYPE_CHECKING:
    from ..device.coefficients import CellParameters


class Ohmic(ContactKind):
    """Ideal ohmic contact on a semiconductor (quasi-Fermi levels pinned to the metal)."""

    name = "ohmic"
    doc = "neutral, in equilibrium with the metal (potential and quasi-Fermi levels fixed)"
    needs_metal = False
    pins_carriers = True

    def equilibrium_potential(self, cs: Any, coeffs: Mapping[str, float], beta: float,
                              P: CellParameters, statistics: str, incomplete: bool) -> float:
        """The layer's charge-neutral potential."""
        return boundary.neutral_potential(coeffs, beta, statistics, incomplete)

    def boundary_terms(self, cs: Any, f: Any, n: Any, p: Any, t: Any, ds: Any,
                       P: CellParameters, statistics: str) -> Any:
        """None: every carrier unknown is fixed there."""
        return 0
