"""What a contact kind is: its rules for case files and its laws in the device, in one object.

A contact kind says where it may sit (on a semiconductor, on an electrolyte), what it needs from
the case file (a metal's work function, an exchange current), which unknowns it fixes, its
equilibrium potential and its boundary terms. The case loader, the device's fixed-dof sets and
its residual ask the kind; none of them switches on the kind's name. Adding a kind is one module
here (plus its test) and one line in :mod:`solver.contacts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import CaseError
from ..physics import boundary, carriers

if TYPE_CHECKING:
    from ..device.coefficients import CellParameters


class ContactKind:
    """Base class of contact kinds (stateless; one instance per kind).

    Class attributes:
        name: The ``kind`` value in ``[contacts.NAME]``.
        doc: One line for the case-file reference.
        needs_metal: Needs a work function (``metal`` or ``workfunction_eV``).
        on_semiconductor: May touch a semiconductor layer.
        on_electrolyte: May touch an electrolyte layer.
        pins_carriers: Fixes the quasi-Fermi potentials to the metal's (ohmic).
        exchanges_ions: Ions cross it (no ion-conservation constraint in DC solves).
    """

    name: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    needs_metal: ClassVar[bool] = True
    on_semiconductor: ClassVar[bool] = True
    on_electrolyte: ClassVar[bool] = False
    pins_carriers: ClassVar[bool] = False
    exchanges_ions: ClassVar[bool] = False

    # -- case-file rules ------------------------------------------------------------------
    def check(self, table: Mapping[str, Any], *, file: str | None, where: str,
              workfunction_eV: float | None, on_electrolyte: bool | None,
              layer: str = "") -> None:
        """Raise a :class:`CaseError` if a ``[contacts.NAME]`` table does not fit this kind.

        Args:
            table: The contact's validated keys (with defaults).
            file: The case file.
            where: Key path of the table (``contacts.NAME``).
            workfunction_eV: The resolved work function (eV) or None.
            on_electrolyte: Whether its layer is an electrolyte (None: not known yet, 2D/3D).
            layer: Name of that layer.
        """
        if self.needs_metal and workfunction_eV is None:
            raise CaseError(f"a {self.name} contact needs a metal or workfunction_eV", file=file,
                            key=where, hint="e.g. metal = \"Au\"")
        if on_electrolyte is None:
            return
        if on_electrolyte and not self.on_electrolyte:
            raise CaseError(f"a {self.name} contact cannot touch electrolyte layer '{layer}'",
                            file=file, key=where + ".kind",
                            hint="use kind = \"blocking\" (e.g. Au) or \"li_metal\"")
        if not on_electrolyte and not self.on_semiconductor:
            raise CaseError(f"a {self.name} contact must touch an electrolyte layer",
                            file=file, key=where + ".kind")

    # -- device laws ----------------------------------------------------------------------
    def fixed_components(self, pinned: bool) -> list[int]:
        """Unknown components fixed on the contact's facets (0 potential, 1/2 quasi-Fermi)."""
        return ([0] if pinned else []) + ([1, 2] if self.pins_carriers else [])

    def equilibrium_potential(self, cs: Any, coeffs: Mapping[str, float], beta: float,
                              P: CellParameters, statistics: str, incomplete: bool) -> float:
        """Scaled potential of the contact at zero bias (metal work function by default).

        Args:
            cs: The contact state (:class:`solver.device.contacts.ContactState`).
            coeffs: Scaled coefficients of the layer it touches.
            beta: ``T_ref / T``.
            P: Cell coefficients.
            statistics: Carrier statistics.
            incomplete: Incomplete ionisation.
        """
        s = P.scaling
        return boundary.schottky_potential(cs.contact.workfunction, s.chi_ref, s.V_ref)

    def constants(self, cs: Any, P: CellParameters) -> None:
        """Set the kind's own scaled constants of ``cs`` (after the common ones)."""

    def boundary_terms(self, cs: Any, f: Any, n: Any, p: Any, t: Any, ds: Any,
                       P: CellParameters, statistics: str) -> Any:
        """Residual terms on the contact's facets (thermionic carrier exchange by default).

        Args:
            cs: The contact state.
            f: The fields of the state (:class:`solver.device.residual.Fields`).
            n: Scaled electron density (UFL).
            p: Scaled hole density (UFL).
            t: The vector test function.
            ds: The boundary measure restricted to the contact.
            P: Cell coefficients.
            statistics: Carrier statistics.
        """
        n_m = carriers.electron_density(f.u, cs.vm, P, statistics)
        p_m = carriers.hole_density(f.u, cs.vm, P, statistics)
        return boundary.thermionic_terms(n, n_m, p, p_m, cs.vn, cs.vp, t[1], t[2], ds)
