"""Physical constants (CODATA, from scipy.constants) and the thermal voltage."""

from __future__ import annotations

from scipy import constants as _c

q: float = _c.elementary_charge  #: elementary charge (C)
k_B: float = _c.Boltzmann  #: Boltzmann constant (J/K)
eps0: float = _c.epsilon_0  #: vacuum permittivity (F/m)
m0: float = _c.electron_mass  #: electron rest mass (kg)
h_planck: float = _c.Planck  #: Planck constant (J s)
hbar: float = _c.hbar  #: reduced Planck constant (J s)
F_faraday: float = _c.physical_constants["Faraday constant"][0]  #: Faraday constant (C/mol)
T_REF: float = 300.0  #: reference temperature of material tables (K)


def thermal_voltage(T: float) -> float:
    """Return k_B T / q.

    Args:
        T: Temperature (K).

    Returns:
        Thermal voltage (V).
    """
    return k_B * T / q
