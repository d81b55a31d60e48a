"""Unit-suffixed keys at the edges, SI inside.

A key such as ``thickness_nm`` or ``Eg_eV`` is split into a field name (``thickness``,
``Eg``) and a unit suffix; :func:`to_si` converts the value to SI (m, J, m^-3, ...).
"""

from __future__ import annotations

from .constants import q

#: suffix -> factor to SI. Longest suffixes are matched first.
FACTORS: dict[str, float] = {
    "nm": 1e-9,
    "um": 1e-6,
    "cm": 1e-2,
    "m": 1.0,
    "eV": q,
    "eV_per_K": q,
    "K": 1.0,
    "V": 1.0,
    "s": 1.0,
    "cm3": 1e6,  # a density in cm^-3 -> m^-3
    "cm2_per_Vs": 1e-4,
    "cm2_per_s": 1e-4,
    "cm_per_s": 1e-2,
    "cm3_per_s": 1e-6,
    "cm6_per_s": 1e-12,
    "A_per_cm2K2": 1e4,
    "A_per_cm2": 1e4,
    "per_cm": 1e2,
    "V_per_cm": 1e2,
    "S_per_cm": 1e2,
    "uF_per_cm2": 1e-2,
    "F_per_m2": 1.0,
    "ohm_cm2": 1e-4,
    "ohm": 1.0,
    "Hz": 1.0,
    "cm2": 1e-4,
    "per_cm_s_V2": 1e2,  # Kane A: cm^-3 s^-1 per (V/cm)^2 -> m^-3 s^-1 per (V/m)^2
}
_SUFFIXES = sorted(FACTORS, key=len, reverse=True)


def split_key(key: str) -> tuple[str, str | None]:
    """Split ``name_unit`` into ``(name, unit)``; ``unit`` is None when the key has none.

    Args:
        key: A unit-suffixed key such as ``"mu_n_cm2_per_Vs"``.

    Returns:
        The field name and the unit suffix.
    """
    for suf in _SUFFIXES:
        if key.endswith("_" + suf) and len(key) > len(suf) + 1:
            return key[: -len(suf) - 1], suf
    return key, None


def to_si(value: float, unit: str | None) -> float:
    """Convert ``value`` given in ``unit`` (a suffix of :data:`FACTORS`) to SI."""
    return float(value) * (FACTORS[unit] if unit else 1.0)


def from_si(value: float, unit: str | None) -> float:
    """Convert an SI value to ``unit`` (a suffix of :data:`FACTORS`)."""
    return float(value) / (FACTORS[unit] if unit else 1.0)


def per_si(key: str) -> float:
    """Factor that turns an SI value into the unit named by ``key``'s suffix (1 without one).

    Args:
        key: An output key such as ``"current_density_A_per_cm2"`` (A/m^2 -> A/cm^2: 1e-4).
    """
    unit = split_key(key)[1]
    return 1.0 / FACTORS[unit] if unit else 1.0


def in_key_units(**si: float) -> dict[str, float]:
    """SI values keyed by output names, converted to the unit each name carries.

    ``in_key_units(voltage_V=0.5, current_density_A_per_cm2=J)`` with ``J`` in A/m^2 gives
    ``{"voltage_V": 0.5, "current_density_A_per_cm2": J * 1e-4}``: output units are set by key
    name, as input units are (:func:`split_key`).
    """
    return {k: float(v) * per_si(k) for k, v in si.items()}
