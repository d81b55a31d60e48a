"""The case-file schema as data.

Every key a case file may hold is declared here once, with its type, unit, default, physical
range and a one-line description; the validator (:mod:`.values`), the error messages ("did you
mean ...") and the README's case-file reference (``interphase keys``) all come from this table.
"""

from __future__ import annotations

from ..contacts import KINDS
from .values import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    Key,
    check_depth,
    check_value,
    closest,
    depth,
    shown,
    validate_table,
)

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_ITEMS", "MAX_NODES", "Key", "check_depth",
           "check_value", "closest", "depth", "key_table", "reference_markdown", "shown",
           "validate_table"]

#: default ``[mesh] max_nodes`` by mesh dimension (measured on a 2-core, 24 GB machine: see the
#: README's "Mesh size" section)
MAX_NODES = {1: 1_000_000, 2: 200_000, 3: 60_000}

STATISTICS = ("boltzmann", "fermi-dirac")
RECOMBINATION = ("srh", "radiative", "auger")
STUDY_KINDS = ("equilibrium", "iv", "transient", "impedance", "leakage")
CONTACT_KINDS = tuple(KINDS)

TOP: dict[str, Key] = {
    "name": Key("str", "case name shown in outputs", required=True),
    "description": Key("str", "free text", default=""),
    "temperature_K": Key("numbers", "temperature (K); a list runs the study once per value",
                         default=300.0, check="positive", limits=(1.0, 2000.0)),
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
                        check="positive", limits=(1e-2, 1e8)),
    "donors_cm3": Key("number", "ionised-donor density N_D (cm^-3)", default=0.0, check="nonneg",
                      limits=(0.0, 1e23)),
    "acceptors_cm3": Key("number", "acceptor density N_A (cm^-3)", default=0.0, check="nonneg",
                         limits=(0.0, 1e23)),
    "mesh_min_nm": Key("number", "smallest cell at the layer's ends (nm)", check="positive",
                       limits=(1e-4, 1e8)),
    "mesh_max_nm": Key("number", "largest cell inside the layer (nm)", check="positive",
                       limits=(1e-4, 1e8)),
    "mesh_growth": Key("number", "geometric growth ratio of cell sizes (> 1)", check="positive",
                       limits=(1.0, 10.0)),
}

CONTACT: dict[str, Key] = {
    "kind": Key("str", "contact model", required=True, choices=CONTACT_KINDS),
    "at": Key("str", "stack end: 'left' (x = 0) or 'right'; defaults to the contact's name",
              choices=("left", "right")),
    "metal": Key("str", "metal from the library (work function) for schottky / blocking"),
    "workfunction_eV": Key("number", "metal work function (eV), overrides 'metal'",
                           check="positive", limits=(0.5, 10.0)),
    "v_n_cm_per_s": Key("number", "electron surface recombination velocity (cm/s); default "
                        "thermionic A* T^2 / (q Nc)", check="positive", limits=(1e-10, 3e10)),
    "v_p_cm_per_s": Key("number", "hole surface recombination velocity (cm/s); default "
                        "thermionic A* T^2 / (q Nv)", check="positive", limits=(1e-10, 3e10)),
    "stern_capacitance_uF_per_cm2": Key("number", "compact-layer capacitance at an electrolyte "
                                        "contact (uF/cm2); default the electrolyte's, 0 = none",
                                        check="nonneg", limits=(0.0, 1e4)),
    "exchange_current_density_A_per_cm2": Key("number", "li_metal: Butler-Volmer exchange "
                                              "current density i0 (A/cm2)", check="positive",
                                              limits=(1e-15, 1e4)),
    "transfer_coefficient": Key("number", "li_metal: anodic transfer coefficient alpha_a "
                                "(alpha_c = 1 - alpha_a)", default=0.5, check="positive"),
    "series_resistance_ohm_cm2": Key("number", "area-specific resistance in series with the "
                                     "contact at 300 K (ohm cm2; contact and lead resistance), "
                                     "solved self-consistently: the device sees V - J R_s",
                                     default=0.0, check="nonneg", limits=(0.0, 1e9)),
    "series_resistance_activation_eV": Key("number", "Arrhenius activation energy of the "
                                           "series resistance (eV; R_s(T) = R_s(300 K) "
                                           "exp(Ea/k (1/T - 1/300 K)))", default=0.0,
                                           check="nonneg", limits=(0.0, 5.0)),
}

STUDY: dict[str, Key] = {
    "kind": Key("str", "study kind", required=True, choices=STUDY_KINDS),
    "name": Key("str", "study name (output subfolder when a case has several studies)"),
    "contact": Key("str", "contact that carries the bias; the other is ground"),
    "voltages_V": Key("range", "applied biases (V): a list or {start, stop, step}",
                      limits=(-1e4, 1e4)),
    "rectification_biases_V": Key("numbers", "biases |V| for the rectification ratio (V)",
                                  default=1.0, check="positive", limits=(1e-6, 1e4)),
    "knee_method": Key("str", "knee voltage method (see Outputs)", default="inflexion",
                       choices=("inflexion", "tangent", "threshold")),
    "knee_current_A_per_cm2": Key("number", "current density of the 'threshold' knee method "
                                  "(A/cm2)", default=1e-3, check="positive",
                                  limits=(1e-15, 1e6)),
    "step_V": Key("number", "transient / leakage: bias applied at t = 0 (V)",
                  limits=(-1e4, 1e4)),
    "waveform_V": Key("table", "transient: piecewise-linear bias, {times_s = [...], "
                      "values_V = [...]} (instead of step_V)"),
    "step_A_per_cm2": Key("number", "transient, galvanostatic: current density driven into the "
                          "device at the biased contact from t = 0 (A/cm2; instead of step_V)",
                          limits=(-1e6, 1e6)),
    "waveform_A_per_cm2": Key("table", "transient, galvanostatic: piecewise-linear current "
                              "density, {times_s = [...], values_A_per_cm2 = [...]}"),
    "t_end_s": Key("number", "transient / leakage: end time (s)", check="positive",
                   limits=(1e-18, 1e12)),
    "dt_initial_s": Key("number", "first time step (s); default 0.1 x the electrolyte's "
                        "dielectric relaxation time eps / sigma_ion (1e-12 s without one)",
                        check="positive", limits=(1e-18, 1e12)),
    "dt_max_s": Key("number", "largest time step (s); default t_end / 20", check="positive",
                    limits=(1e-18, 1e12)),
    "time_tolerance": Key("number", "time-step error tolerance (kT/q on potentials, relative "
                          "on the terminal current)", default=1e-2, check="positive",
                          limits=(1e-8, 1.0)),
    "frequencies_Hz": Key("table", "impedance: {start, stop, per_decade} (log-spaced) or "
                          "{values = [...]}"),
    "bias_V": Key("number", "impedance: DC bias of the biased contact (V)", default=0.0,
                  limits=(-1e4, 1e4)),
    "area_cm2": Key("number", "electrode area (cm2): impedance also in ohm, current in A",
                    check="positive", limits=(1e-12, 1e6)),
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
    "max_iterations": Key("int", "Newton iterations per solve", default=60, check="positive",
                          limits=(1, 10000)),
    "update_tolerance": Key("number", "converged when max |Newton update| < this (units of "
                            "kT/q)", default=1e-9, check="positive", limits=(1e-15, 1.0)),
    "bias_step_V": Key("number", "first bias step of the continuation (V); steps double "
                       "while Newton converges in <= 6 iterations and halve when it fails",
                       default=1.0, check="positive", limits=(1e-9, 1e3)),
    "max_bias_step_V": Key("number", "largest bias step of the continuation (V)", default=10.0,
                           check="positive", limits=(1e-9, 1e4)),
    "min_bias_step_V": Key("number", "smallest bias step before giving up (V)", default=1e-4,
                           check="positive", limits=(1e-12, 1e3)),
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
                  "Debye length / 30", check="positive", limits=(1e-4, 1e8)),
    "max_nm": Key("number", "largest cell (nm); default from Debye length and thickness",
                  check="positive", limits=(1e-4, 1e8)),
    "growth": Key("number", "geometric growth ratio (> 1)", default=1.15, check="positive",
                  limits=(1.0, 10.0)),
    "max_nodes": Key("int", "largest mesh the case may build (nodes), checked before the mesh "
                     "is made; default " + ", ".join(f"{n:,} in {d}D" for d, n in
                                                     MAX_NODES.items()),
                     check="positive", limits=(10, 10**9)),
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


def key_table(title: str, spec: dict[str, Key]) -> list[str]:
    """Markdown lines of one section's keys: a heading and a key / type / default table."""
    lines = [f"#### {title}", "", "| key | type | default | range | meaning |",
             "|---|---|---|---|---|"]
    for name, key in spec.items():
        default = "required" if key.required else ("" if key.default is None
                                                   else repr(key.default))
        kind = key.kind + (f" ({' / '.join(key.choices)})" if key.choices else "")
        limits = f"{key.limits[0]:g} .. {key.limits[1]:g}" if key.limits else ""
        lines.append(f"| `{name}` | {kind} | {default} | {limits} | {key.doc} |")
    return [*lines, ""]


def reference_markdown() -> str:
    """The case-file reference as Markdown tables (generated from the schema)."""
    lines = []
    for section, spec in SECTIONS.items():
        title = {"": "top level", "layers[]": "[[layers]]",
                 "contacts.NAME": "[contacts.NAME]"}.get(section, f"[{section}]")
        lines += key_table(title, spec)
    return "\n".join(lines)
