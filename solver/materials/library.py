"""The material library: cited data in ``library.toml`` -> validated, frozen records.

Each library value is ``key_unit = { value = ..., tag = ..., source = ... }``; per-case overrides
(``[materials.NAME]`` in a case file) give plain numbers with the same keys and may define new
materials with ``base = "Existing"``.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ..constants import T_REF
from ..errors import MaterialError, shown
from ..units import split_key, to_si
from .model import Electrolyte, IonSpecies, Material, Metal, Semiconductor, field_names

_KINDS: dict[str, type] = {"semiconductor": Semiconductor, "electrolyte": Electrolyte,
                           "metal": Metal}
_META = {"kind", "base", "description", "ions"}


def load_raw() -> dict[str, dict[str, Any]]:
    """Read the packaged ``library.toml`` as nested dicts."""
    text = resources.files(__package__).joinpath("library.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _value(entry: Any, where: str, key: str = "") -> tuple[float, str]:
    name = f"{where}: {key}" if key else where
    if isinstance(entry, Mapping):
        if "value" not in entry:
            raise MaterialError(f"{name}: table needs a 'value'")
        src = str(entry.get("source", ""))
        if entry.get("tag"):
            src = f"[{entry['tag']}] {src}"
        entry = entry["value"]
    else:
        src = ""
    if isinstance(entry, bool) or not isinstance(entry, int | float):
        raise MaterialError(f"{name}: expected a number, got {shown(entry)}")
    if isinstance(entry, int) and abs(entry) > 1e300:
        raise MaterialError(f"{name}: the number {shown(entry, 12)} is out of range")
    value = float(entry)
    lo, hi = LIMITS.get(key, (-1e30, 1e30))
    if not (math.isfinite(value) and lo <= value <= hi):
        raise MaterialError(f"{name} = {value:g} is outside the physical range "
                            f"{lo:g} .. {hi:g}")
    return value, src


def _closest(word: str, options: list[str]) -> str:
    m = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return f"; did you mean '{m[0]}'?" if m else ""


#: physical range of every material key (in the file's units); other keys: |value| <= 1e30
LIMITS: dict[str, tuple[float, float]] = {
    "eps_r": (1.0, 1e4), "Eg_eV": (1e-3, 20.0), "varshni_alpha_eV_per_K": (0.0, 1e-2),
    "varshni_beta_K": (1e-3, 1e5), "chi_eV": (0.0, 20.0), "Nc_cm3": (1e10, 1e25),
    "Nv_cm3": (1e10, 1e25), "dos_exponent": (0.0, 10.0), "mu_n_cm2_per_Vs": (1e-20, 1e7),
    "mu_p_cm2_per_Vs": (1e-20, 1e7), "mu_n_exponent": (-10.0, 10.0),
    "mu_p_exponent": (-10.0, 10.0), "mu_n_activation_eV": (0.0, 5.0),
    "mu_p_activation_eV": (0.0, 5.0), "tau_n_s": (1e-20, 1e6), "tau_p_s": (1e-20, 1e6),
    "trap_level_eV": (-10.0, 10.0), "B_rad_cm3_per_s": (0.0, 1e-5),
    "C_n_cm6_per_s": (0.0, 1e-20), "C_p_cm6_per_s": (0.0, 1e-20),
    "donor_level_eV": (0.0, 10.0), "acceptor_level_eV": (0.0, 10.0), "g_D": (1e-2, 1e2),
    "g_A": (1e-2, 1e2), "A_n_A_per_cm2K2": (0.0, 1e4), "A_p_A_per_cm2K2": (0.0, 1e4),
    "ii_an_per_cm": (0.0, 1e12), "ii_bn_V_per_cm": (0.0, 1e12), "ii_ap_per_cm": (0.0, 1e12),
    "ii_bp_V_per_cm": (0.0, 1e12), "workfunction_eV": (0.5, 10.0),
    "sigma_e_S_per_cm": (0.0, 1e6), "sigma_e_activation_eV": (0.0, 5.0),
    "site_density_cm3": (0.0, 1e25), "electronic_donors_cm3": (0.0, 1e23),
    "stern_capacitance_uF_per_cm2": (0.0, 1e4), "concentration_cm3": (1.0, 1e25),
    "D_cm2_per_s": (1e-40, 1e3), "activation_eV": (0.0, 5.0), "tunnelling_mass": (0.0, 100.0),
    "poole_frenkel_eps_r": (0.0, 1e4), "dielectric_strength_V_per_cm": (0.0, 1e9),
    "defect_density_cm3": (0.0, 1e23), "defect_level_eV": (-10.0, 10.0),
    "defect_cross_section_cm2": (0.0, 1e-10),
}

#: field -> unit-suffixed key used in files.
UNITS: dict[str, str] = {
    "Eg": "Eg_eV", "varshni_alpha": "varshni_alpha_eV_per_K", "varshni_beta": "varshni_beta_K",
    "chi": "chi_eV", "Nc": "Nc_cm3", "Nv": "Nv_cm3", "mu_n": "mu_n_cm2_per_Vs",
    "mu_p": "mu_p_cm2_per_Vs", "mu_n_activation": "mu_n_activation_eV",
    "mu_p_activation": "mu_p_activation_eV", "tau_n": "tau_n_s", "tau_p": "tau_p_s",
    "trap_level": "trap_level_eV", "B_rad": "B_rad_cm3_per_s", "C_n": "C_n_cm6_per_s",
    "C_p": "C_p_cm6_per_s", "donor_level": "donor_level_eV", "acceptor_level": "acceptor_level_eV",
    "A_n": "A_n_A_per_cm2K2", "A_p": "A_p_A_per_cm2K2", "ii_an": "ii_an_per_cm",
    "ii_bn": "ii_bn_V_per_cm", "ii_ap": "ii_ap_per_cm", "ii_bp": "ii_bp_V_per_cm",
    "workfunction": "workfunction_eV", "sigma_e": "sigma_e_S_per_cm",
    "sigma_e_activation": "sigma_e_activation_eV", "site_density": "site_density_cm3",
    "electronic_donors": "electronic_donors_cm3", "btbt_A": "btbt_A_per_cm_s_V2",
    "btbt_B": "btbt_B_V_per_cm", "dielectric_strength": "dielectric_strength_V_per_cm",
    "defect_density": "defect_density_cm3", "defect_level": "defect_level_eV",
    "defect_cross_section": "defect_cross_section_cm2",
    "stern_capacitance": "stern_capacitance_uF_per_cm2", "concentration": "concentration_cm3",
    "D": "D_cm2_per_s", "activation": "activation_eV",
}
_KEY_TO_FIELD = {v: k for k, v in UNITS.items()}


def _field_of(key: str, allowed: list[str], where: str) -> str:
    f = _KEY_TO_FIELD.get(key, None if key in UNITS else key)
    if f is not None and f in allowed:
        return f
    if key in UNITS:
        raise MaterialError(f"{where}: key '{key}' needs its unit: write '{UNITS[key]}'")
    keys = [UNITS.get(a, a) for a in allowed]
    raise MaterialError(f"{where}: unknown key '{key}'{_closest(key, keys)}")


def _parse_fields(table: Mapping[str, Any], cls: type, where: str) -> tuple[dict, dict]:
    allowed = field_names(cls)
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    for key, entry in table.items():
        if key in _META:
            continue
        f = _field_of(key, allowed, where)
        v, src = _value(entry, where, key)
        unit = split_key(UNITS[f])[1] if f in UNITS else None
        values[f] = to_si(v, unit)
        sources[f] = src
    return values, sources


def _parse_ions(table: Mapping[str, Any], where: str, origin: str) -> tuple[IonSpecies, ...]:
    ions = []
    for name, spec in table.items():
        if not isinstance(spec, Mapping):
            raise MaterialError(f"{where}.ions.{name}: expected a table")
        spec = dict(spec)
        z = spec.pop("z", None)
        if isinstance(z, bool) or not isinstance(z, int):
            raise MaterialError(f"{where}.ions.{name}: 'z' (integer charge number) is required")
        vals, srcs = _parse_fields(spec, IonSpecies, f"{where}.ions.{name}")
        for k in vals:
            srcs[k] = srcs[k] or origin
        try:
            ions.append(IonSpecies(name=name, z=z, sources=srcs, **vals))
        except TypeError as exc:
            raise MaterialError(f"{where}.ions.{name}: missing value ({exc})") from None
    return tuple(ions)


class MaterialLibrary:
    """Materials by name: the packaged library plus any per-case overrides.

    Args:
        overrides: ``{name: {key_unit: number, ...}}`` as in a case's ``[materials.NAME]``.
        origin: Where overrides come from (cited as their source), e.g. the case file path.
    """

    def __init__(self, overrides: Mapping[str, Mapping[str, Any]] | None = None,
                 origin: str = "case file") -> None:
        self._raw = load_raw()
        self._origin = {name: "library" for name in self._raw}
        for name, table in (overrides or {}).items():
            if not isinstance(table, Mapping):
                raise MaterialError(f"[materials.{name}]: expected a table of values")
            ions = table.get("ions", {})
            if not isinstance(ions, Mapping) or not all(isinstance(v, Mapping)
                                                        for v in ions.values()):
                raise MaterialError(f"[materials.{name}].ions: expected a table of ion tables, "
                                    "e.g. ions.Li = { D_cm2_per_s = 1e-9 }")
            if name in self._raw:
                merged = dict(self._raw[name])
                merged.update(table)
                if "ions" in table:
                    ions = dict(self._raw[name].get("ions", {}))
                    for ion, spec in table["ions"].items():
                        ions[ion] = {**ions.get(ion, {}), **spec}
                    merged["ions"] = ions
                self._raw[name] = merged
            else:
                if "base" not in table and "kind" not in table:
                    raise MaterialError(
                        f"[materials.{name}]: '{name}' is not in the library"
                        f"{_closest(name, list(self._raw))}; to define a new material give "
                        "base = \"<library material>\" or kind = \"semiconductor\"")
                self._raw[name] = dict(table)
            self._origin[name] = origin
        self._cache: dict[str, Material] = {}

    def names(self) -> list[str]:
        """All material names."""
        return list(self._raw)

    def kind(self, name: str) -> str:
        """The kind ('semiconductor', 'electrolyte' or 'metal') of ``name``."""
        return self._flatten(name)[0]

    def _flatten(self, name: str, seen: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
        if name not in self._raw:
            raise MaterialError(f"unknown material '{name}'{_closest(name, list(self._raw))}")
        if name in seen:
            raise MaterialError(f"material '{name}': 'base' chain loops ({' -> '.join(seen)})")
        table = self._raw[name]
        if "base" in table:
            kind, merged = self._flatten(str(table["base"]), (*seen, name))
            merged = {k: v for k, v in merged.items() if k not in ("description",)}
            base_ions = merged.get("ions", {})
            merged.update({k: v for k, v in table.items() if k != "base"})
            if "ions" in table:  # species-wise merge: {Li = {D_cm2_per_s = ...}} keeps z, c0
                merged["ions"] = {ion: {**base_ions.get(ion, {}), **spec}
                                  for ion, spec in {**base_ions, **table["ions"]}.items()}
            kind = str(table.get("kind", kind))
        else:
            kind, merged = str(table.get("kind", "")), dict(table)
        if kind not in _KINDS:
            raise MaterialError(f"material '{name}': kind must be one of {sorted(_KINDS)}")
        return kind, merged

    def get(self, name: str) -> Material:
        """Build (once) and return the validated material ``name``."""
        if name in self._cache:
            return self._cache[name]
        kind, table = self._flatten(name)
        cls = _KINDS[kind]
        where = f"material '{name}'"
        values, sources = _parse_fields(table, cls, where)
        for f, src in sources.items():
            sources[f] = src or f"set in {self._origin[name]}"
        extra: dict[str, Any] = {}
        if cls is Electrolyte:
            extra["ions"] = _parse_ions(table.get("ions", {}), where, self._origin[name])
        try:
            mat = cls(name=name, description=str(table.get("description", "")),
                      sources=sources, **values, **extra)
        except TypeError as exc:
            missing = str(exc).split("argument")[-1].strip(": '")
            raise MaterialError(f"{where}: required value missing: {missing}") from None
        self._cache[name] = mat
        return mat

    def table(self, T: float = T_REF) -> list[dict[str, str]]:
        """Rows (material, key, value, source) describing the whole library at ``T``."""
        rows = []
        for name in self.names():
            mat = self.get(name)
            for f in field_names(type(mat)):
                key = UNITS.get(f, f)
                unit = split_key(key)[1] if f in UNITS else None
                value = getattr(mat, f) / (to_si(1.0, unit))
                rows.append({"material": name, "kind": self.kind(name), "key": key,
                             "value": f"{value:.6g}", "source": mat.sources.get(f, "default")})
            for ion in getattr(mat, "ions", ()):
                for f in ("concentration", "D", "activation"):
                    key = UNITS[f]
                    value = getattr(ion, f) / to_si(1.0, split_key(key)[1])
                    rows.append({"material": name, "kind": "ion " + ion.name, "key": key,
                                 "value": f"{value:.6g}", "source": ion.sources.get(f, "")})
        return rows
