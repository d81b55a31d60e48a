"""Validated case records (SI units) built from a checked TOML document."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..constants import T_REF, k_B, q
from ..contacts import KINDS
from ..errors import CaseError, MaterialError
from ..materials import Electrolyte, MaterialLibrary, Metal
from ..units import to_si
from .schema import MAX_NODES


@dataclass(frozen=True, slots=True, kw_only=True)
class Layer:
    """One layer of the stack.

    Attributes:
        name: Unique layer name.
        material: Material name.
        thickness: Thickness (m).
        donors: Donor density (m^-3).
        acceptors: Acceptor density (m^-3).
        mesh_min: Smallest cell at the layer ends (m), None for the default.
        mesh_max: Largest cell (m), None for the default.
        mesh_growth: Geometric growth ratio, None for the default.
    """

    name: str
    material: str
    thickness: float
    donors: float = 0.0
    acceptors: float = 0.0
    mesh_min: float | None = None
    mesh_max: float | None = None
    mesh_growth: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """An electrode at one end of the stack.

    Attributes:
        name: Contact name.
        at: 'left' (x = 0) or 'right'.
        kind: 'ohmic', 'schottky', 'blocking' or 'li_metal'.
        workfunction: Metal work function (J) or None (ohmic).
        v_n: Electron surface recombination velocity (m/s) or None for thermionic.
        v_p: Hole surface recombination velocity (m/s) or None for thermionic.
        stern_capacitance: Compact-layer capacitance (F/m^2) or None for the material's.
        exchange_current: Butler-Volmer i0 (A/m^2) for li_metal contacts.
        transfer_coefficient: Anodic transfer coefficient.
        series_resistance: Area-specific resistance in series with the contact at 300 K
            (ohm m^2; 0 for none).
        series_resistance_activation: Its Arrhenius activation energy (J).
        metal: The electrode's metal (library name) or None (a work function given instead).
        touches: Material of the layer the contact is on (None on a read mesh).
    """

    name: str
    at: str
    kind: str
    workfunction: float | None = None
    v_n: float | None = None
    v_p: float | None = None
    stern_capacitance: float | None = None
    exchange_current: float | None = None
    transfer_coefficient: float = 0.5
    series_resistance: float = 0.0
    series_resistance_activation: float = 0.0
    metal: str | None = None
    touches: str | None = None

    def series_resistance_at(self, T: float) -> float:
        """Series resistance (ohm m^2) at ``T`` (K): ``R_300 exp(Ea/k (1/T - 1/300 K))``."""
        if not self.series_resistance:
            return 0.0
        return self.series_resistance * math.exp(
            self.series_resistance_activation / k_B * (1.0 / T - 1.0 / T_REF))


@dataclass(frozen=True, slots=True, kw_only=True)
class Study:
    """What to compute.

    Attributes:
        kind: Study kind.
        contact: Name of the biased contact.
        voltages: Applied biases (V), in the order given.
        rectification_biases: |V| values for the rectification ratio (V).
        knee_method: Knee voltage method.
        knee_current: Current density of the threshold knee method (A/m^2).
        waveform: Drive waveform ``((t_s, value), ...)``, piecewise linear (transient): bias
            (V) under voltage control, current density into the biased contact (A/m^2) under
            current control.
        control: ``"voltage"`` (potentiostatic) or ``"current"`` (galvanostatic).
        t_end: End time (s).
        dt_initial: First time step (s); None: from the dielectric relaxation time.
        dt_max: Largest time step (s).
        time_tolerance: Time-step error tolerance.
    """

    kind: str
    contact: str
    name: str = ""
    voltages: tuple[float, ...] = ()
    rectification_biases: tuple[float, ...] = (1.0,)
    knee_method: str = "inflexion"
    knee_current: float = 10.0
    waveform: tuple[tuple[float, float], ...] = ()
    control: str = "voltage"
    t_end: float = 0.0
    dt_initial: float | None = None
    dt_max: float = 0.0
    time_tolerance: float = 1e-2
    frequencies: tuple[float, ...] = ()
    bias: float = 0.0
    area: float | None = None
    reference_without_layers: tuple[str, ...] = ()
    reference_metal: str | None = None

    def bias_at(self, t: float) -> float:
        """Drive of the waveform at time ``t`` (s), piecewise linear, constant beyond its ends.

        A bias (V) under voltage control, a current density (A/m^2) under current control.
        """
        times = [p[0] for p in self.waveform]
        values = [p[1] for p in self.waveform]
        if t <= times[0]:
            return values[0]
        for (t0, v0), (t1, v1) in zip(self.waveform, self.waveform[1:]):
            if t <= t1:
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        return values[-1]


@dataclass(frozen=True, slots=True, kw_only=True)
class Physics:
    """Model switches (see the case-file reference)."""

    statistics: str = "boltzmann"
    recombination: tuple[str, ...] = ("srh",)
    incomplete_ionisation: bool = False
    heterointerface: str = "continuous"
    impact_ionisation: bool = False
    band_to_band: bool = False
    trap_assisted_tunnelling: bool = False
    poole_frenkel: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SolverOptions:
    """Newton, continuation and PETSc settings."""

    max_iterations: int = 60
    update_tolerance: float = 1e-9
    bias_step: float = 1.0
    max_bias_step: float = 10.0
    min_bias_step: float = 1e-4
    linear_solver: str = "auto"
    petsc_options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeshOptions:
    """Default mesh grading (lengths in m; None means derived from Debye lengths).

    Attributes:
        min_spacing: Smallest cell (m).
        max_spacing: Largest cell (m).
        growth: Geometric growth ratio.
        max_nodes: Largest mesh (nodes) the case may build; None for the default by dimension.
    """

    min_spacing: float | None = None
    max_spacing: float | None = None
    growth: float = 1.15
    max_nodes: int | None = None

    def node_limit(self, dim: int) -> int:
        """Largest mesh (nodes) a case may build in ``dim`` dimensions: max_nodes or default."""
        return self.max_nodes if self.max_nodes is not None else MAX_NODES[dim]


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """A complete, validated case.

    Attributes:
        name: Case name.
        path: File it came from.
        description: Free text.
        temperatures: Temperatures to run (K).
        layers: Layers from left to right.
        contacts: Contacts by name.
        materials: Material library including the case's overrides.
        studies: The studies, run in turn on the same device.
        physics: Model switches.
        solver: Solver settings.
        mesh: Mesh defaults.
        plots: Write PNG plots.
        fields: Write XDMF fields.
        source_hash: sha256 of the case text (after --set overrides).
        geometry: The [geometry] table (empty for a 1D stack).
    """

    name: str
    path: str
    description: str
    temperatures: tuple[float, ...]
    layers: tuple[Layer, ...]
    contacts: dict[str, Contact]
    materials: MaterialLibrary
    studies: tuple[Study, ...]
    physics: Physics
    solver: SolverOptions
    mesh: MeshOptions
    plots: bool = True
    fields: bool = True
    source_hash: str = ""
    geometry: dict = field(default_factory=dict)

    @property
    def meshed(self) -> bool:
        """Whether the device is a 2D / 3D mesh rather than a 1D stack."""
        return bool(self.geometry)

    @property
    def study(self) -> Study:
        """The first (often the only) study."""
        return self.studies[0]

    def is_electrolyte(self, layer: Layer) -> bool:
        """Whether ``layer`` is made of an electrolyte."""
        return isinstance(self.materials.get(layer.material), Electrolyte)


def _opt(v: Any, factor: float) -> float | None:
    return None if v is None else v * factor


def build_layers(raw: list[dict[str, Any]], lib: MaterialLibrary, file: str,
                 meshed: bool = False) -> tuple[Layer, ...]:
    """Turn validated layer tables into :class:`Layer` records, checking materials and doping.

    With ``meshed`` (a [geometry] mesh) thicknesses are optional: the mesh sets them.
    """
    layers, seen = [], set()
    for i, t in enumerate(raw):
        where = f"layers[{i}]"
        if t["name"] in seen:
            raise CaseError(f"duplicate layer name '{t['name']}'", file=file, key=where + ".name")
        seen.add(t["name"])
        try:
            mat = lib.get(t["material"])
        except MaterialError as exc:
            raise CaseError(str(exc), file=file, key=where + ".material") from None
        if isinstance(mat, Metal):
            raise CaseError(f"'{mat.name}' is a metal and cannot be a layer", file=file,
                            key=where + ".material",
                            hint=f"use it as an electrode: metal = \"{mat.name}\" in [contacts]")
        if isinstance(mat, Electrolyte) and (t["donors_cm3"] or t["acceptors_cm3"]):
            raise CaseError("an electrolyte layer takes no dopants", file=file, key=where,
                            hint="its mobile ions and fixed framework are material data")
        if t["mesh_growth"] is not None and t["mesh_growth"] <= 1.0:
            raise CaseError("must be > 1", file=file, key=where + ".mesh_growth")
        if t["thickness_nm"] is None and not meshed:
            raise CaseError("required key missing", file=file, key=where + ".thickness_nm",
                            hint="layer thickness (nm)")
        layers.append(Layer(
            name=t["name"], material=t["material"],
            thickness=(t["thickness_nm"] or 0.0) * 1e-9,
            donors=t["donors_cm3"] * 1e6, acceptors=t["acceptors_cm3"] * 1e6,
            mesh_min=_opt(t["mesh_min_nm"], 1e-9), mesh_max=_opt(t["mesh_max_nm"], 1e-9),
            mesh_growth=t["mesh_growth"]))
    if not layers:
        raise CaseError("the stack needs at least one layer", file=file, key="layers")
    return tuple(layers)


def build_contacts(raw: dict[str, dict[str, Any]], layers: tuple[Layer, ...],
                   lib: MaterialLibrary, file: str, meshed: bool = False) -> dict[str, Contact]:
    """Turn validated contact tables into :class:`Contact` records and check they fit the stack.

    With ``meshed`` the contacts are facet groups of the mesh: their neighbours are checked when
    the mesh is read.
    """
    contacts: dict[str, Contact] = {}
    ends = {"left": layers[0], "right": layers[-1]}
    for name, t in raw.items():
        where = f"contacts.{name}"
        at = t["at"] or name
        if meshed:
            at = t["at"] or ""
        elif at not in ends:
            raise CaseError("cannot tell which end of the stack this contact is on", file=file,
                            key=where, hint="name it 'left' or 'right', or set at = \"left\"")
        wf = t["workfunction_eV"]
        if wf is None and t["metal"] is not None:
            try:
                metal = lib.get(t["metal"])
            except MaterialError as exc:
                raise CaseError(str(exc), file=file, key=where + ".metal") from None
            if not isinstance(metal, Metal):
                raise CaseError(f"'{t['metal']}' is not a metal", file=file, key=where + ".metal")
            wf = metal.workfunction / q
        kind = t["kind"]
        on_electrolyte = None if meshed else isinstance(lib.get(ends[at].material), Electrolyte)
        KINDS[kind].check(t, file=file, where=where, workfunction_eV=wf,
                          on_electrolyte=on_electrolyte, layer="" if meshed else ends[at].name)
        if not 0.0 < t["transfer_coefficient"] < 1.0:
            raise CaseError("must lie in (0, 1)", file=file, key=where + ".transfer_coefficient")
        contacts[name] = Contact(
            name=name, at=at, kind=kind, workfunction=None if wf is None else wf * q,
            v_n=_opt(t["v_n_cm_per_s"], 1e-2), v_p=_opt(t["v_p_cm_per_s"], 1e-2),
            stern_capacitance=_opt(t["stern_capacitance_uF_per_cm2"], 1e-2),
            exchange_current=_opt(t["exchange_current_density_A_per_cm2"], 1e4),
            transfer_coefficient=t["transfer_coefficient"],
            series_resistance=to_si(t["series_resistance_ohm_cm2"], "ohm_cm2"),
            series_resistance_activation=to_si(t["series_resistance_activation_eV"], "eV"),
            metal=t["metal"], touches=None if meshed else ends[at].material)
    sides = sorted(c.at for c in contacts.values())
    if meshed:
        if len(contacts) < 2:
            raise CaseError("a device needs at least two contacts", file=file, key="contacts")
        return contacts
    if sides != ["left", "right"]:
        raise CaseError(f"a 1D stack needs exactly one contact at each end, got {sides or 'none'}",
                        file=file, key="contacts", hint="define [contacts.left] and "
                        "[contacts.right]")
    return contacts
