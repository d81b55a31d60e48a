"""Li metal electrode: Butler-Volmer Li+ exchange and thermionic electron exchange."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import CaseError
from ..physics import boundary
from .kind import ContactKind

if TYPE_CHECKING:
    from ..device.coefficients import CellParameters


class LiMetal(ContactKind):
    """Li metal on an electrolyte: Li+ plated / stripped with Butler-Volmer kinetics."""

    name = "li_metal"
    doc = "Li metal on an electrolyte: Butler-Volmer Li+ exchange (i0, alpha), thermionic electrons"
    on_semiconductor = False
    on_electrolyte = True
    exchanges_ions = True

    def check(self, table: Mapping[str, Any], *, file: str | None, where: str,
              workfunction_eV: float | None, on_electrolyte: bool | None,
              layer: str = "") -> None:
        """Also needs the exchange current density."""
        super().check(table, file=file, where=where, workfunction_eV=workfunction_eV,
                      on_electrolyte=on_electrolyte, layer=layer)
        if table.get("exchange_current_density_A_per_cm2") is None:
            raise CaseError("a li_metal contact needs exchange_current_density_A_per_cm2",
                            file=file, key=where, hint="e.g. 3.9e-4 (65 ohm cm2 per interface)")

    def constants(self, cs: Any, P: CellParameters) -> None:
        """The scaled exchange current density."""
        cs.i0.value = cs.contact.exchange_current / P.scaling.J0

    def boundary_terms(self, cs: Any, f: Any, n: Any, p: Any, t: Any, ds: Any,
                       P: CellParameters, statistics: str) -> Any:
        """Thermionic electrons and holes, plus the Li+ Butler-Volmer flux of every species."""
        terms = super().boundary_terms(cs, f, n, p, t, ds, P, statistics)
        a = cs.contact.transfer_coefficient
        for k, (name, z) in enumerate(P.species):
            i = boundary.butler_volmer_current(f.xis[name], P.u_ion, cs.vm, P.beta, cs.i0, a,
                                               1.0 - a)
            terms += -(i / z) * t[3 + k] * ds
        return terms
