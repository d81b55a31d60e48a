"""The case-file schema as data, and a strict validator for it.

Every key a case file may hold is declared here once, with its type, unit, default and a
one-line description; the validator, the error messages ("did you mean ...") and the README's
case-file reference (``interphase keys``) all come from this table.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..contacts import KINDS
from ..errors import CaseError


@dataclass(frozen=True)
class Key:
    """One allowed key.

    Attributes:
        kind: 'number', 'int', 'str', 'bool', 'numbers' (a number or list of numbers),
            'range' (list of numbers or {start, stop, step}), 'strs' (list of strings), 'table'
            (free-form table, validated elsewhere), 'tables' (array of tables).
        doc: One-line description (with unit).
        required: Whether the key must be present.
        default: Value used when absent.
        choices: Allowed values for strings.
        check: 'positive', 'nonneg' or '' (numbers).
    """

    kind: str
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    check: str = ""


STATISTICS = ("boltzmann", "fermi-dirac")
RECOMBINATION = ("srh", "radiative", "auger")
STUDY_KINDS = ("equilibrium", "iv", "transient", "impedance", "leakage")
CONTACT_KINDS = tuple(KINDS)

TOP: dict[str, Key] = {
    "name": Key("str", "case name shown in outputs", required=True),
    "description": Key("str", "free text", default=""),
    "temperature_K": Key("numbers", "temperature (K); a list runs the study once per value",
                         default=300.0, check="positive"),
    "layers": Key("tables", "array of [[layers]] from left (x = 0) to right", required=True),
    "contacts": Key("table", "[contacts.NAME] tables, one per stack end", required=True),
    "materials": Key("table", "[materials.NAME] overrides of library values (300 K values)"),
    "study": Key("table_or_tables", "[study] what to compute, or [[study]] several studies "
                 "run in turn on the same device (each needs a name)", required=True),
    "physics": Key("table", "[physics] model switches"),
    "solver": Key("table", "[solver] Newton / continuation / PETSc options"),
    "mesh": Key("table", "[mesh] default grading for every layer"),
    "output": Key("table", "[output] what to write"),
    "geometry": Key("table", "[geometry] a 2D / 3D mesh instead of the 1D stack"),
}

GEOMETRY: dict[str, Key] = {
    "mesh": Key("str", "mesh file in any format meshio reads (.msh, .vtu, .med, .inp, .xdmf; "
                "relative to the case file), coordinates in nm, physical groups / cell sets "
                "named after the layers and contacts"),
    "msh": Key("str", "the same as mesh (the older name)"),
    "generator": Key("str", "a generator of meshes/ (onchip, rough_interphase, "
                     "grain_boundary, grain_network, extruded_stack) instead of a file"),
    "parameters": Key("table", "generator parameters (see meshes/README.md)"),
}

LAYER: dict[str, Key] = {
    "name": Key("str", "layer name (unique), used in outputs", required=True),
    "material": Key("str", "material name from the library or [materials]", required=True),
    "thickness_nm": Key("number", "layer thickness (nm); required unless [geometry] gives a mesh",
                        check="positive"),
    "donors_cm3": Key("number", "ionised-donor density N_D (cm^-3)", default=0.0, check="nonneg"),
    "acceptors_cm3": Key("number", "acceptor density N_A (cm^-3)", default=0.0, check="nonneg"),
    "mesh_min_nm": Key("number", "smallest cell at the layer's ends (nm)", check="positive"),
    "mesh_max_nm": Key("number", "largest cell inside the layer (nm)", check="positive"),
    "mesh_growth": Key("number", "geometric growth ratio of cell sizes (> 1)", check="positive"),
}

CONTACT: dict[str, Key] = {
    "kind": Key("str", "contact model", required=True, choices=CONTACT_KINDS),
    "at": Key("str", "stack end: 'left' (x = 0) or 'right'; defaults to the contact's name",
              choices=("left", "right")),
    "metal": Key("str", "metal from the library (work function) for schottky / blocking"),
    "workfunction_eV": Key("number", "metal work function (eV), overrides 'metal'",
                           check="positive"),
    "v_n_cm_per_s": Key("number", "electron surface recombination velocity (cm/s); default "
                        "thermionic A* T^2 / (q Nc)", check="positive"),
    "v_p_cm_per_s": Key("number", "hole surface recombination velocity (cm/s); default "
                        "thermionic A* T^2 / (q Nv)", check="positive"),
    "stern_capacitance_uF_per_cm2": Key("number", "compact-layer capacitance at an electrolyte "
                                        "contact (uF/cm2); default the electrolyte's, 0 = none",
                                        check="nonneg"),
    "exchange_current_density_A_per_cm2": Key("number", "li_metal: Butler-Volmer exchange "
                                              "current density i0 (A/cm2)", check="positive"),
    "transfer_coefficient": Key("number", "li_metal: anodic transfer coefficient alpha_a "
                                "(alpha_c = 1 - alpha_a)", default=0.5, check="positive"),
    "series_resistance_ohm_cm2": Key("number", "area-specific resistance in series with the "
                                     "contact at 300 K (ohm cm2; contact and lead resistance), "
                                     "solved self-consistently: the device sees V - J R_s",
                                     default=0.0, check="nonneg"),
    "series_resistance_activation_eV": Key("number", "Arrhenius activation energy of the "
                                           "series resistance (eV; R_s(T) = R_s(300 K) "
                                           "exp(Ea/k (1/T - 1/300 K)))", default=0.0,
                                           check="nonneg"),
}

STUDY: dict[str, Key] = {
    "kind": Key("str", "study kind", required=True, choices=STUDY_KINDS),
    "name": Key("str", "study name (output subfolder when a case has several studies)"),
    "contact": Key("str", "contact that carries the bias; the other is ground"),
    "voltages_V": Key("range", "applied biases (V): a list or {start, stop, step}"),
    "rectification_biases_V": Key("numbers", "biases |V| for the rectification ratio (V)",
                                  default=1.0, check="positive"),
    "knee_method": Key("str", "knee voltage method (see Outputs)", default="inflexion",
                       choices=("inflexion", "tangent", "threshold")),
    "knee_current_A_per_cm2": Key("number", "current density of the 'threshold' knee method "
                                  "(A/cm2)", default=1e-3, check="positive"),
    "step_V": Key("number", "transient / leakage: bias applied at t = 0 (V)"),
    "waveform_V": Key("table", "transient: piecewise-linear bias, {times_s = [...], "
                      "values_V = [...]} (instead of step_V)"),
    "step_A_per_cm2": Key("number", "transient, galvanostatic: current density driven into the "
                          "device at the biased contact from t = 0 (A/cm2; instead of step_V)"),
    "waveform_A_per_cm2": Key("table", "transient, galvanostatic: piecewise-linear current "
                              "density, {times_s = [...], values_A_per_cm2 = [...]}"),
    "t_end_s": Key("number", "transient / leakage: end time (s)", check="positive"),
    "dt_initial_s": Key("number", "first time step (s); default 0.1 x the electrolyte's "
                        "dielectric relaxation time eps / sigma_ion (1e-12 s without one)",
                        check="positive"),
    "dt_max_s": Key("number", "largest time step (s); default t_end / 20", check="positive"),
    "time_tolerance": Key("number", "time-step error tolerance (kT/q on potentials, relative "
                          "on the terminal current)", default=1e-2, check="positive"),
    "frequencies_Hz": Key("table", "impedance: {start, stop, per_decade} (log-spaced) or "
                          "{values = [...]}"),
    "bias_V": Key("number", "impedance: DC bias of the biased contact (V)", default=0.0),
    "area_cm2": Key("number", "electrode area (cm2): impedance also in ohm, current in A",
                    check="positive"),
    "reference_without_layers": Key("strs", "leakage: also run the stack without these layers "
                                    "(e.g. the interphase) and report the ratio"),
    "reference_metal": Key("str", "leakage reference: metal of the contact that then touches "
                           "the electrolyte (default: the contact's own)"),
}

PHYSICS: dict[str, Key] = {
    "statistics": Key("str", "carrier statistics", default="boltzmann", choices=STATISTICS),
    "recombination": Key("strs", "bulk recombination terms", default=["srh"],
                         choices=RECOMBINATION),
    "incomplete_ionisation": Key("bool", "dopant ionisation from donor/acceptor levels",
                                 default=False),
    "impact_ionisation": Key("bool", "avalanche generation (van Overstraeten - de Man)",
                             default=False),
    "band_to_band": Key("bool", "band-to-band tunnelling generation (local Kane model)",
                        default=False),
    "trap_assisted_tunnelling": Key("bool", "Hurkx field enhancement of SRH (trap-assisted "
                                    "tunnelling) in layers whose material has "
                                    "tunnelling_mass", default=False),
    "poole_frenkel": Key("bool", "Poole-Frenkel field enhancement of SRH emission in layers "
                         "whose material has poole_frenkel_eps_r", default=False),
    "heterointerface": Key("str", "carrier transport across band offsets: continuous "
                           "quasi-Fermi levels (drift-diffusion) or thermionic emission",
                           default="continuous", choices=("continuous", "thermionic")),
}

SOLVER: dict[str, Key] = {
    "max_iterations": Key("int", "Newton iterations per solve", default=60, check="positive"),
    "update_tolerance": Key("number", "converged when max |Newton update| < this (units of "
                            "kT/q)", default=1e-9, check="positive"),
    "bias_step_V": Key("number", "first bias step of the continuation (V); steps double "
                       "while Newton converges in <= 6 iterations and halve when it fails",
                       default=1.0, check="positive"),
    "max_bias_step_V": Key("number", "largest bias step of the continuation (V)", default=10.0,
                           check="positive"),
    "min_bias_step_V": Key("number", "smallest bias step before giving up (V)", default=1e-4,
                           check="positive"),
    "linear_solver": Key("str", "linear solver of each Newton step: auto (direct up to 200k "
                         "unknowns: KLU for 1D serial, MUMPS otherwise; iterative above), "
                         "iterative (GMRES + field-split algebraic multigrid), or a direct "
                         "one: mumps, superlu_dist, klu, umfpack, superlu", default="auto",
                         choices=("auto", "iterative", "mumps", "superlu_dist", "klu",
                                  "umfpack", "superlu")),
    "petsc_options": Key("table", "extra PETSc options, e.g. {snes_monitor = ''}"),
}

MESH: dict[str, Key] = {
    "min_nm": Key("number", "smallest cell at interfaces and contacts (nm); default "
                  "Debye length / 30", check="positive"),
    "max_nm": Key("number", "largest cell (nm); default from Debye length and thickness",
                  check="positive"),
    "growth": Key("number", "geometric growth ratio (> 1)", default=1.15, check="positive"),
}

OUTPUT: dict[str, Key] = {
    "plots": Key("bool", "write PNG plots", default=True),
    "fields": Key("bool", "write field files (one VTU grid per temperature / bias step, PVD "
                  "series; ParaView and meshio open them)", default=True),
}

SECTIONS: dict[str, dict[str, Key]] = {
    "": TOP, "layers[]": LAYER, "contacts.NAME": CONTACT, "study": STUDY, "physics": PHYSICS,
    "solver": SOLVER, "mesh": MESH, "output": OUTPUT, "geometry": GEOMETRY,
}


def closest(word: str, options: list[str]) -> str | None:
    """The closest option to ``word`` (for 'did you mean'), or None."""
    m = difflib.get_close_matches(word, options, n=1, cutoff=0.4)
    return m[0] if m else None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _number(v: Any, key: Key, err: Callable[[str], CaseError]) -> float:
    if not _is_number(v):
        raise err(f"expected a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise err(f"must be finite, got {v}")
    if key.check == "positive" and v <= 0:
        raise err(f"must be > 0, got {v:g}")
    if key.check == "nonneg" and v < 0:
        raise err(f"must be >= 0, got {v:g}")
    return v


def _range(v: Any, key: Key, err: Callable[[str], CaseError]) -> tuple[float, ...]:
    if isinstance(v, Mapping):
        extra = set(v) - {"start", "stop", "step"}
        if extra or len(v) != 3:
            raise err("a range needs exactly {start, stop, step}")
        start, stop, step = (_number(v[k], Key("number", ""), err) for k in
                             ("start", "stop", "step"))
        if step <= 0:
            raise err("range step must be > 0")
        n = math.floor(abs(stop - start) / step + 1e-9) + 1
        if n > 100000:
            raise err(f"range has {n} points; at most 100000")
        sign = 1.0 if stop >= start else -1.0
        return tuple(round(start + sign * i * step, 12) for i in range(n))
    if isinstance(v, list):
        if not v:
            raise err("empty list")
        return tuple(_number(x, Key("number", ""), err) for x in v)
    return (_number(v, key, err),)


def check_value(v: Any, key: Key, err: Callable[[str], CaseError]) -> Any:
    """Validate one value against its :class:`Key`; return it normalised."""
    kind = key.kind
    if kind == "number":
        return _number(v, key, err)
    if kind == "int":
        if isinstance(v, bool) or not isinstance(v, int):
            raise err(f"expected an integer, got {v!r}")
        if key.check == "positive" and v <= 0:
            raise err(f"must be > 0, got {v}")
        return v
    if kind == "bool":
        if not isinstance(v, bool):
            raise err(f"expected true or false, got {v!r}")
        return v
    if kind == "str":
        if not isinstance(v, str):
            raise err(f"expected a string, got {v!r}")
        if key.choices and v not in key.choices:
            near = closest(v, list(key.choices))
            hint = f"; did you mean '{near}'?" if near else ""
            raise err(f"'{v}' is not one of {', '.join(key.choices)}{hint}")
        return v
    if kind == "strs":
        items = v if isinstance(v, list) else [v]
        return tuple(check_value(x, Key("str", "", choices=key.choices), err) for x in items)
    if kind == "numbers":
        items = v if isinstance(v, list) else [v]
        if not items:
            raise err("empty list")
        return tuple(_number(x, key, err) for x in items)
    if kind == "range":
        return _range(v, key, err)
    if kind == "table_or_tables":
        items = v if isinstance(v, list) else [v]
        if not items or not all(isinstance(t, Mapping) for t in items):
            raise err("expected a table [study] or an array of tables [[study]]")
        return items
    if kind == "tables":
        if not isinstance(v, list) or not all(isinstance(t, Mapping) for t in v):
            raise err("expected an array of tables, e.g. [[layers]]")
        return v
    if kind == "table":
        if not isinstance(v, Mapping):
            raise err(f"expected a table, got {v!r}")
        return v
    raise AssertionError(kind)  # pragma: no cover - schema programming error


def validate_table(table: Any, spec: dict[str, Key], where: str, file: str) -> dict[str, Any]:
    """Check ``table`` against ``spec``: unknown keys, required keys, types; fill defaults.

    Args:
        table: The parsed TOML table.
        spec: Allowed keys.
        where: Dotted path of the table (for messages), '' for the top level.
        file: Case file path (for messages).

    Returns:
        A new dict with every key of ``spec`` (defaults filled, values normalised).
    """
    prefix = f"{where}." if where else ""
    if not isinstance(table, Mapping):
        raise CaseError(f"expected a table, got {table!r}", file=file, key=where or None)
    out: dict[str, Any] = {}
    for k, v in table.items():
        if k not in spec:
            near = closest(k, list(spec))
            hint = f"did you mean '{near}'?" if near else f"valid keys: {', '.join(spec)}"
            raise CaseError("unknown key", file=file, key=prefix + k, hint=hint)

        def err(msg: str, _k: str = k) -> CaseError:
            return CaseError(msg, file=file, key=prefix + _k)

        out[k] = check_value(v, spec[k], err)
    for k, key in spec.items():
        if k not in out:
            if key.required:
                raise CaseError("required key missing", file=file, key=prefix + k,
                                hint=key.doc)
            d = key.default
            out[k] = check_value(d, key, lambda m: CaseError(m)) if d is not None else None
    return out


def key_table(title: str, spec: dict[str, Key]) -> list[str]:
    """Markdown lines of one section's keys: a heading and a key / type / default table."""
    lines = [f"#### {title}", "", "| key | type | default | meaning |", "|---|---|---|---|"]
    for name, key in spec.items():
        default = "required" if key.required else ("" if key.default is None
                                                   else repr(key.default))
        kind = key.kind + (f" ({' / '.join(key.choices)})" if key.choices else "")
        lines.append(f"| `{name}` | {kind} | {default} | {key.doc} |")
    return [*lines, ""]


def reference_markdown() -> str:
    """The case-file reference as Markdown tables (generated from the schema)."""
    lines = []
    for section, spec in SECTIONS.items():
        title = {"": "top level", "layers[]": "[[layers]]",
                 "contacts.NAME": "[contacts.NAME]"}.get(section, f"[{section}]")
        lines += key_table(title, spec)
    return "\n".join(lines)
