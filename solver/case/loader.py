"""Read a case file strictly: TOML -> schema check -> :class:`Case` (one-line errors only)."""

from __future__ import annotations

import hashlib
import itertools
import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import CaseError, InterphaseError
from ..materials import MaterialLibrary
from . import schema as S
from .model import (
    Case,
    MeshOptions,
    Physics,
    SolverOptions,
    Study,
    build_contacts,
    build_layers,
)
from .physical import check_temperatures


def parse_set(assignment: str) -> tuple[list[str], Any]:
    """Parse a ``--set`` override ``dotted.key=value`` (value in TOML syntax, else a string).

    ``layers.1.donors_cm3=1e18`` addresses the second layer; ``layers.n-TiO2.donors_cm3=1e18``
    the layer named ``n-TiO2`` (items of arrays of tables are found by index or by name).

    Args:
        assignment: The override text.

    Returns:
        The key path and the parsed value.
    """
    if "=" not in assignment:
        raise CaseError(f"--set '{assignment}': expected key=value")
    key, text = assignment.split("=", 1)
    path = [p for p in key.strip().split(".") if p]
    if not path:
        raise CaseError(f"--set '{assignment}': empty key")
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    except RecursionError:
        raise CaseError(f"--set {'.'.join(path)}: the value is nested too deeply") from None
    if S.depth(value) > S.MAX_DEPTH:
        raise CaseError(f"--set {'.'.join(path)}: the value is nested more than "
                        f"{S.MAX_DEPTH} levels deep; no key takes that")
    return path, value


def _item(node: list, part: str, path: list[str], i: int) -> Any:
    """Item ``part`` (an index or a ``name``) of an array of tables."""
    if part.isdigit() and int(part) < len(node):
        return node[int(part)]
    for item in node:
        if isinstance(item, dict) and item.get("name") == part:
            return item
    raise CaseError(f"--set {'.'.join(path)}: no item {part} in "
                    f"{'.'.join(path[:i]) or 'document'}")


def apply_set(doc: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at ``path`` inside the raw TOML document ``doc`` (in place)."""
    node: Any = doc
    for i, part in enumerate(path[:-1]):
        if isinstance(node, list):
            node = _item(node, part, path, i)
        else:
            node = node.setdefault(part, {})
        if not isinstance(node, dict | list):
            raise CaseError(f"--set {'.'.join(path)}: '{part}' is not a table")
    last = path[-1]
    if isinstance(node, list):
        if not last.isdigit() or int(last) >= len(node):
            raise CaseError(f"--set {'.'.join(path)}: no item {last}")
        node[int(last)] = value
    else:
        node[last] = value


def read_document(path: str | Path, sets: Sequence[str] = ()) -> tuple[dict[str, Any], str]:
    """Read the TOML text of a case and apply ``--set`` overrides.

    Returns:
        The document and the sha256 of its (overridden) content.
    """
    p = Path(path)
    try:
        if not p.is_file():
            raise CaseError("cannot read case file (no such file)" if not p.exists() else
                            "cannot read case file (not a regular file)", file=str(path))
        if p.stat().st_size > S.MAX_FILE_BYTES:
            raise CaseError(f"the case file has {p.stat().st_size:,} bytes; at most "
                            f"{S.MAX_FILE_BYTES:,}", file=str(path))
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(f"cannot read case file ({exc.__class__.__name__}: {exc})",
                        file=str(path)) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"not valid TOML: {exc}", file=str(path)) from None
    except RecursionError:
        raise CaseError("tables or arrays nested too deeply", file=str(path)) from None
    digest = hashlib.sha256(text.encode())
    for s in sets:
        key_path, value = parse_set(s)
        apply_set(doc, key_path, value)
        digest.update(s.encode())
    S.check_depth(doc, str(path))
    return doc, digest.hexdigest()


def load_case(path: str | Path, sets: Sequence[str] = ()) -> Case:
    """Load and validate a case file.

    Args:
        path: Case file (TOML).
        sets: ``--set key=value`` overrides, applied before validation.

    Returns:
        The validated case.

    Raises:
        CaseError: For any problem, as a one-line message naming file, key and fix.
    """
    file = str(path)
    doc, digest = read_document(path, sets)
    try:
        return _build(doc, file, digest)
    except InterphaseError as exc:
        if isinstance(exc, CaseError) and exc.file:
            raise
        raise CaseError(str(exc), file=file) from None
    except RecursionError:
        raise CaseError("document nested too deeply", file=file) from None


def _build(doc: dict[str, Any], file: str, digest: str) -> Case:
    top = S.validate_table(doc, S.TOP, "", file)
    materials = top["materials"] or {}
    lib = MaterialLibrary(materials, origin=file)
    geometry = S.validate_table(top["geometry"] or {}, S.GEOMETRY, "geometry", file) \
        if top["geometry"] is not None else {}
    meshed = bool(geometry)
    if meshed and geometry.get("mesh") is not None:
        if geometry["msh"] is not None:
            raise CaseError("give mesh or msh, not both (they are the same key)", file=file,
                            key="geometry.mesh")
        geometry["msh"] = geometry["mesh"]
    if meshed and (geometry["msh"] is None) == (geometry["generator"] is None):
        raise CaseError("give exactly one of mesh and generator", file=file, key="geometry")
    layer_tables = [S.validate_table(t, S.LAYER, f"layers[{i}]", file)
                    for i, t in enumerate(top["layers"])]
    layers = build_layers(layer_tables, lib, file, meshed)
    contact_tables = {name: S.validate_table(t, S.CONTACT, f"contacts.{name}", file)
                      for name, t in top["contacts"].items()}
    contacts = build_contacts(contact_tables, layers, lib, file, meshed)
    many = len(top["study"]) > 1
    studies = []
    for i, t in enumerate(top["study"]):
        where = f"study[{i}]" if many else "study"
        t = S.validate_table(t, S.STUDY, where, file)
        if many and not t["name"]:
            raise CaseError("several studies need a name each", file=file, key=where + ".name")
        studies.append(_study(t, contacts, file, where))
    names = [s.name for s in studies]
    if len(set(names)) != len(names):
        raise CaseError("study names must be unique", file=file, key="study")
    for s in studies:
        missing = [n for n in s.reference_without_layers if n not in [ly.name for ly in layers]]
        if missing:
            raise CaseError(f"no layer named {missing[0]!r}", file=file,
                            key="study.reference_without_layers")
    phys = S.validate_table(top["physics"] or {}, S.PHYSICS, "physics", file)
    solv = S.validate_table(top["solver"] or {}, S.SOLVER, "solver", file)
    mesh = S.validate_table(top["mesh"] or {}, S.MESH, "mesh", file)
    out = S.validate_table(top["output"] or {}, S.OUTPUT, "output", file)
    if mesh["growth"] <= 1.0:
        raise CaseError("must be > 1", file=file, key="mesh.growth")
    check_temperatures(top["temperature_K"], [ly.material for ly in layers], lib, file)
    if solv["min_bias_step_V"] > solv["bias_step_V"]:
        raise CaseError("must not exceed bias_step_V", file=file, key="solver.min_bias_step_V")
    if solv["bias_step_V"] > solv["max_bias_step_V"]:
        raise CaseError("must not exceed max_bias_step_V", file=file, key="solver.bias_step_V")
    return Case(
        name=top["name"], path=file, description=top["description"],
        temperatures=top["temperature_K"], layers=layers, contacts=contacts, materials=lib,
        studies=tuple(studies),
        physics=Physics(statistics=phys["statistics"], recombination=phys["recombination"],
                        incomplete_ionisation=phys["incomplete_ionisation"],
                        heterointerface=phys["heterointerface"],
                        impact_ionisation=phys["impact_ionisation"],
                        band_to_band=phys["band_to_band"],
                        trap_assisted_tunnelling=phys["trap_assisted_tunnelling"],
                        poole_frenkel=phys["poole_frenkel"]),
        solver=SolverOptions(
            max_iterations=solv["max_iterations"], update_tolerance=solv["update_tolerance"],
            bias_step=solv["bias_step_V"], max_bias_step=solv["max_bias_step_V"],
            min_bias_step=solv["min_bias_step_V"],
            linear_solver=solv["linear_solver"],
            petsc_options=_petsc_options(solv["petsc_options"], file)),
        mesh=MeshOptions(min_spacing=None if mesh["min_nm"] is None else mesh["min_nm"] * 1e-9,
                         max_spacing=None if mesh["max_nm"] is None else mesh["max_nm"] * 1e-9,
                         growth=mesh["growth"], max_nodes=mesh["max_nodes"]),
        plots=out["plots"], fields=out["fields"], source_hash=digest,
        geometry={k: v for k, v in geometry.items() if v is not None})


def _petsc_options(table: Mapping[str, Any] | None, file: str) -> dict[str, str]:
    opts = {}
    for k, v in (table or {}).items():
        if isinstance(v, Mapping | list):
            raise CaseError("PETSc option values must be scalars", file=file,
                            key=f"solver.petsc_options.{k}")
        opts[str(k).lstrip("-")] = "" if v is True else str(v)
    return opts


def _study(t: dict[str, Any], contacts: dict, file: str, where: str = "study") -> Study:
    contact = t["contact"]
    if contact is None:
        contact = next((c.name for c in contacts.values() if c.at == "left"), next(iter(contacts)))
    elif contact not in contacts:
        near = S.closest(contact, list(contacts))
        raise CaseError(f"no contact named '{contact}'", file=file, key="study.contact",
                        hint=f"did you mean '{near}'?" if near else
                        f"contacts are {', '.join(contacts)}")
    voltages = t["voltages_V"] or ()
    if t["kind"] == "iv" and not voltages:
        raise CaseError("an iv study needs voltages_V", file=file, key="study.voltages_V",
                        hint="e.g. voltages_V = { start = -1.0, stop = 1.0, step = 0.05 }")
    waveform: tuple = ()
    control = "voltage"
    if t["kind"] in ("transient", "leakage"):
        control, waveform = _waveform(t, file)
    return Study(kind=t["kind"], contact=contact, name=t["name"] or t["kind"],
                 voltages=tuple(voltages),
                 rectification_biases=t["rectification_biases_V"],
                 knee_method=t["knee_method"], knee_current=t["knee_current_A_per_cm2"] * 1e4,
                 waveform=waveform, control=control, t_end=t["t_end_s"] or 0.0,
                 dt_initial=t["dt_initial_s"],
                 dt_max=t["dt_max_s"] or (t["t_end_s"] or 0.0) / 20,
                 time_tolerance=t["time_tolerance"],
                 frequencies=_frequencies(t, file) if t["kind"] == "impedance" else (),
                 bias=t["bias_V"], area=None if t["area_cm2"] is None else t["area_cm2"] * 1e-4,
                 reference_without_layers=tuple(t["reference_without_layers"] or ()),
                 reference_metal=t["reference_metal"])


def _frequencies(t: dict[str, Any], file: str) -> tuple[float, ...]:
    spec = t["frequencies_Hz"] or {"start": 1e-3, "stop": 1e7, "per_decade": 6}

    def err(msg: str) -> CaseError:
        return CaseError(msg, file=file, key="study.frequencies_Hz")

    freq = S.Key("number", "", check="positive", limits=(1e-9, 1e15))
    if set(spec) == {"values"}:
        f = S.check_value(spec["values"], S.Key("numbers", "", check="positive",
                                                limits=freq.limits), err)
        return tuple(sorted(f))
    if set(spec) != {"start", "stop", "per_decade"}:
        raise err("needs {start, stop, per_decade} or {values = [...]}")
    lo, hi = (S.check_value(spec[k], freq, err) for k in ("start", "stop"))
    n = S.check_value(spec["per_decade"], S.Key("int", "", check="positive", limits=(1, 1000)),
                      err)
    if hi <= lo:
        raise err("stop must exceed start")
    count = round(n * math.log10(hi / lo)) + 1
    if count > 10000:
        raise err(f"{count} frequencies; at most 10000")
    return tuple(lo * (hi / lo) ** (i / (count - 1)) for i in range(count)) if count > 1 \
        else (lo,)


def _waveform(t: dict[str, Any], file: str) -> tuple[str, tuple[tuple[float, float], ...]]:
    """``(control, ((t_s, value), ...))`` of a transient / leakage study (values in SI)."""
    if t["t_end_s"] is None:
        raise CaseError(f"a {t['kind']} study needs t_end_s", file=file, key="study.t_end_s",
                        hint="e.g. t_end_s = 86400.0 for a day")
    given = [k for k in ("step_V", "waveform_V", "step_A_per_cm2", "waveform_A_per_cm2")
             if t[k] is not None]
    if len(given) > 1:
        raise CaseError(f"give one drive, not {' and '.join(given)}", file=file,
                        key=f"study.{given[1]}", hint="a voltage or a current, step or waveform")
    if not given:
        raise CaseError(f"a {t['kind']} study needs step_V (or waveform_V, step_A_per_cm2, "
                        "waveform_A_per_cm2)", file=file, key="study.step_V",
                        hint="e.g. step_V = 1.0")
    key = given[0]
    control = "current" if key.endswith("A_per_cm2") else "voltage"
    if control == "current" and t["kind"] != "transient":
        raise CaseError("a leakage study is voltage-controlled", file=file, key=f"study.{key}",
                        hint="use step_V, or a transient study for a current drive")
    scale = 1e4 if control == "current" else 1.0  # A/cm2 -> A/m2
    if key.startswith("step"):
        return control, ((0.0, t[key] * scale),)
    w, unit = t[key], "values_V" if control == "voltage" else "values_A_per_cm2"
    if set(w) != {"times_s", unit}:
        raise CaseError(f"needs exactly times_s and {unit}", file=file, key=f"study.{key}")

    def err(msg: str) -> CaseError:
        return CaseError(msg, file=file, key=f"study.{key}")

    times = S.check_value(w["times_s"], S.Key("numbers", "", limits=(0.0, 1e12)), err)
    limits = (-1e4, 1e4) if control == "voltage" else (-1e6, 1e6)
    values = S.check_value(w[unit], S.Key("numbers", "", limits=limits), err)
    if len(times) != len(values) or any(b <= a for a, b in itertools.pairwise(times)):
        raise err(f"times_s must increase and match {unit} in length")
    return control, tuple(zip(times, (v * scale for v in values)))
