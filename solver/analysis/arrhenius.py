"""Arrhenius fits: activation energies of conductivities and currents against temperature."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ..constants import k_B, q


def activation_energy(T: Sequence[float], y: Sequence[float], prefactor_T: int = 0) -> float:
    """Activation energy (eV) from ``y T^prefactor_T = A exp(-Ea / kT)``.

    Least-squares slope of ``ln(|y| T^m)`` against ``1/T``. NaN with fewer than 2 points.

    Args:
        T: Temperatures (K).
        y: Values (any unit; the sign is ignored).
        prefactor_T: Power m of the T prefactor (1 for ionic ``sigma T``, 2 for Richardson).
    """
    T = np.asarray(T, float)
    y = np.abs(np.asarray(y, float))
    ok = np.isfinite(y) & (y > 0)
    if ok.sum() < 2:
        return float("nan")
    slope = np.polyfit(1.0 / T[ok], np.log(y[ok] * T[ok] ** prefactor_T), 1)[0]
    return float(-slope * k_B / q)


def leakage_summary(entries: Sequence[dict]) -> dict:
    """Per polarity, sigma_eff(T) and its activation energy across the leakage entries."""
    out: dict[str, dict] = {}
    temps = [e["temperature_K"] for e in entries]
    if not entries or "leakage" not in entries[0]:
        return out
    for i, V in enumerate(entries[0]["leakage"]["voltage_V"]):
        key = f"{V:+g} V"
        sig = [e["leakage"]["effective_conductivity_S_per_cm"][i] for e in entries]
        je = [e["leakage"]["electron_current_density_A_per_cm2"][i] for e in entries]
        out[key] = {"temperature_K": temps, "effective_conductivity_S_per_cm": sig,
                    "electron_current_density_A_per_cm2": je,
                    "activation_energy_eV": activation_energy(temps, sig),
                    "monotonic_rise": bool(all(abs(b) > abs(a)
                                               for a, b in itertools.pairwise(sig))),
                    "li_reduction_nm_per_h": [e["leakage"].get("li_reduction_nm_per_h",
                                                               [float("nan")] * (i + 1))[i]
                                              for e in entries]}
    return out
