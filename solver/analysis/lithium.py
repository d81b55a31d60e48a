"""Electrons that enter the electrolyte as Li metal: the dendrite-relevant rate.

An electron current density ``J_e`` entering a Li+ conductor reduces ``J_e / F`` moles of Li+
per unit area and time (Faraday); as a compact Li layer that is a thickness rate
``J_e V_m / F`` with the molar volume of Li metal ``V_m = M / rho = 6.941 g/mol / 0.534 g/cm^3
= 13.0 cm^3/mol`` (CRC Handbook). A rate is reported as nm of Li per hour over the electrode
area; it is an upper bound of what grows as dendrites inside the electrolyte.
"""

from __future__ import annotations

from ..constants import F_faraday

LI_MOLAR_VOLUME = 6.941e-3 / 534.0  # m^3/mol: M (kg/mol) / rho (kg/m^3), CRC Handbook


def li_reduction_rate_nm_per_h(electron_current_A_per_cm2: float) -> float:
    """Thickness rate (nm/h) of Li metal reduced by an electron current density (A/cm^2).

    Args:
        electron_current_A_per_cm2: Electron (electric) current density entering the
            electrolyte, A/cm^2; its magnitude is used.
    """
    J = abs(electron_current_A_per_cm2) * 1e4  # A/m^2
    return J * LI_MOLAR_VOLUME / F_faraday * 1e9 * 3600.0
