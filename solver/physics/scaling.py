"""Scaling: the one place where SI quantities become the dimensionless ones in the forms.

- lengths: ``x / L0`` (L0 = stack thickness); the mesh lives in these units;
- potentials: ``psi / V_ref`` with ``V_ref = k T_ref / q`` at T_ref = 300 K (fixed, so a solution
  keeps its meaning when the temperature changes; the physics uses ``beta = T_ref / T``);
- densities: ``n / C0`` (C0 = largest doping or ion density);
- mobilities: ``mu / mu0``; current density ``J0 = q mu0 C0 V_ref / L0``; rates
  ``R0 = J0 / (q L0)``; time ``t0 = L0^2 / (mu0 V_ref)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..constants import T_REF, eps0, q, thermal_voltage


@dataclass(frozen=True)
class Scaling:
    """Reference scales.

    Attributes:
        L0: Length (m).
        C0: Density (m^-3).
        mu0: Mobility (m^2/Vs).
        chi_ref: Energy reference added to the potential (J): ``psi = psi_vac + chi_ref / q``.
    """

    L0: float
    C0: float
    mu0: float
    chi_ref: float

    @property
    def V_ref(self) -> float:
        """Potential scale k T_ref / q (V)."""
        return thermal_voltage(T_REF)

    @property
    def lam2(self) -> float:
        """Squared scaled Debye length eps0 V_ref / (q C0 L0^2) (multiplies eps_r)."""
        return eps0 * self.V_ref / (q * self.C0 * self.L0**2)

    @property
    def J0(self) -> float:
        """Current density scale (A/m^2)."""
        return q * self.mu0 * self.C0 * self.V_ref / self.L0

    @property
    def R0(self) -> float:
        """Rate scale (m^-3 s^-1)."""
        return self.J0 / (q * self.L0)

    @property
    def t0(self) -> float:
        """Time scale (s)."""
        return self.L0**2 / (self.mu0 * self.V_ref)

    @property
    def E0(self) -> float:
        """Electric field scale V_ref / L0 (V/m)."""
        return self.V_ref / self.L0
