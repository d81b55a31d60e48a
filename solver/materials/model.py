"""Frozen, validated material records (SI units) and their temperature laws.

Values are stored at the reference temperature 300 K; :meth:`Semiconductor.at` evaluates them at
any temperature:

- band gap: Varshni, ``Eg(T) = Eg0 - alpha T^2 / (T + beta)`` anchored at ``Eg(300 K)``;
- effective densities of states: ``Nc, Nv ~ (T/300)^dos_exponent`` (1.5 for parabolic bands);
- mobilities: ``mu(T) = mu(300) (T/300)^-exponent exp(-Ea/k (1/T - 1/300))`` (lattice power law,
  optionally an Arrhenius factor for hopping / trap-limited transport);
- electron affinity, permittivity, lifetimes: temperature independent;
- ion diffusivities and the electrolyte's electronic conductivity: Arrhenius.
Intrinsic density follows from these, so n_i(T) is consistent with Eg(T), Nc(T) and Nv(T).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from ..constants import T_REF, k_B, q
from ..errors import MaterialError

_RULES = {
    ">0": (lambda v: v > 0, "must be > 0"),
    ">=0": (lambda v: v >= 0, "must be >= 0"),
    ">=1": (lambda v: v >= 1, "must be >= 1"),
    "finite": (lambda v: True, "must be a finite number"),
}


def _check(name: str, field_name: str, value: float, rule: str, unit: str = "") -> None:
    test, text = _RULES[rule]
    if not (math.isfinite(value) and test(value)):
        raise MaterialError(
            f"material '{name}': {field_name} = {value:g}{unit} {text}; "
            f"fix it in the library or in [materials.{name}]"
        )


def arrhenius(T: float, Ea: float) -> float:
    """Return the Arrhenius factor ``exp(-Ea/k (1/T - 1/300 K))``.

    Args:
        T: Temperature (K).
        Ea: Activation energy (J).
    """
    return math.exp(-Ea / k_B * (1.0 / T - 1.0 / T_REF))


@dataclass(frozen=True, slots=True, kw_only=True)
class Metal:
    """A metal electrode.

    Attributes:
        name: Library name.
        description: Human description.
        workfunction: Work function (J).
        sources: Field name -> citation.
    """

    name: str
    description: str = ""
    workfunction: float
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self.name, "workfunction", self.workfunction / q, ">0", " eV")


@dataclass(frozen=True, slots=True, kw_only=True)
class BandState:
    """Semiconductor parameters evaluated at one temperature (SI units).

    Attributes:
        T: Temperature (K).
        eps_r: Relative permittivity.
        Eg: Band gap (J).
        chi: Electron affinity (J).
        Nc: Conduction-band effective density of states (m^-3).
        Nv: Valence-band effective density of states (m^-3).
        mu_n: Electron mobility (m^2/Vs).
        mu_p: Hole mobility (m^2/Vs).
        tau_n: Electron SRH lifetime (s).
        tau_p: Hole SRH lifetime (s).
        trap_level: SRH trap level relative to the intrinsic level E_i (J).
        B_rad: Radiative coefficient (m^3/s).
        C_n: Electron Auger coefficient (m^6/s).
        C_p: Hole Auger coefficient (m^6/s).
        donor_level: Donor ionisation energy below Ec (J).
        acceptor_level: Acceptor ionisation energy above Ev (J).
        g_D: Donor degeneracy factor.
        g_A: Acceptor degeneracy factor.
        A_n: Electron effective Richardson constant (A/m^2K^2).
        A_p: Hole effective Richardson constant (A/m^2K^2).
        tunnelling_mass: Hurkx trap-assisted tunnelling mass over m0 (0: none).
        poole_frenkel_eps_r: High-frequency permittivity of Poole-Frenkel emission (0: none).
        dielectric_strength: Breakdown field of the film (V/m; 0: unknown).
        defect_density: Deep defect density N_t of the field-assisted channel (m^-3; 0: none).
        defect_level: Its level relative to the intrinsic level (J).
        defect_cross_section: Its capture cross-section (m^2).
    """

    T: float
    eps_r: float
    Eg: float
    chi: float
    Nc: float
    Nv: float
    mu_n: float
    mu_p: float
    tau_n: float
    tau_p: float
    trap_level: float
    B_rad: float
    C_n: float
    C_p: float
    donor_level: float
    acceptor_level: float
    g_D: float
    g_A: float
    A_n: float
    A_p: float
    tunnelling_mass: float = 0.0
    poole_frenkel_eps_r: float = 0.0
    dielectric_strength: float = 0.0
    defect_density: float = 0.0
    defect_level: float = 0.0
    defect_cross_section: float = 1e-19

    @property
    def ni(self) -> float:
        """Intrinsic density sqrt(Nc Nv) exp(-Eg / 2kT) (m^-3)."""
        return math.sqrt(self.Nc * self.Nv) * math.exp(-self.Eg / (2 * k_B * self.T))


@dataclass(frozen=True, slots=True, kw_only=True)
class Semiconductor:
    """A semiconductor (values at 300 K, SI units); validated on construction.

    Attributes:
        name: Library name.
        description: Human description.
        eps_r: Relative static permittivity.
        Eg: Band gap at 300 K (J).
        varshni_alpha: Varshni alpha (J/K).
        varshni_beta: Varshni beta (K).
        chi: Electron affinity (J).
        Nc: Conduction-band effective DOS at 300 K (m^-3).
        Nv: Valence-band effective DOS at 300 K (m^-3).
        dos_exponent: Exponent of the DOS temperature law.
        mu_n: Electron mobility at 300 K (m^2/Vs).
        mu_p: Hole mobility at 300 K (m^2/Vs).
        mu_n_exponent: Electron mobility power-law exponent (mu ~ T^-exponent).
        mu_p_exponent: Hole mobility power-law exponent.
        mu_n_activation: Electron mobility activation energy (J).
        mu_p_activation: Hole mobility activation energy (J).
        tau_n: Electron SRH lifetime (s).
        tau_p: Hole SRH lifetime (s).
        trap_level: SRH trap level relative to the intrinsic level E_i (J), so that
            n1 = n_i exp(E_t / kT), p1 = n_i exp(-E_t / kT).
        B_rad: Radiative recombination coefficient (m^3/s).
        C_n: Electron Auger coefficient (m^6/s).
        C_p: Hole Auger coefficient (m^6/s).
        donor_level: Donor ionisation energy (J).
        acceptor_level: Acceptor ionisation energy (J).
        g_D: Donor degeneracy.
        g_A: Acceptor degeneracy.
        A_n: Electron Richardson constant (A/m^2K^2).
        A_p: Hole Richardson constant (A/m^2K^2).
        ii_an: Impact ionisation a_n, van Overstraeten-de Man (1/m).
        ii_bn: Impact ionisation b_n (V/m).
        ii_ap: Impact ionisation a_p (1/m).
        ii_bp: Impact ionisation b_p (V/m).
        btbt_A: Kane band-to-band prefactor A in ``G = A E^2 exp(-B/E)`` (m^-1 s^-1 V^-2).
        btbt_B: Kane exponent field B (V/m).
        tunnelling_mass: Tunnelling mass m_t / m0 of Hurkx trap-assisted tunnelling (0: the
            film has no field-enhanced trap emission).
        poole_frenkel_eps_r: High-frequency relative permittivity of Poole-Frenkel barrier
            lowering at charged traps (0: none).
        dielectric_strength: Field at which the film breaks down (V/m; 0: not known).
        defect_density: Density of the film's deep defects (dangling bonds, vacancies) that
            carry field-assisted generation (m^-3; 0: none). Their lifetime is
            ``1 / (sigma v_th N_t)``; trap-assisted tunnelling and Poole-Frenkel emission
            enhance this channel (the ordinary SRH lifetimes stay unenhanced).
        defect_level: Level of those defects relative to the intrinsic level (J).
        defect_cross_section: Their capture cross-section (m^2).
        sources: Field name -> citation (with provenance tag).
    """

    name: str
    description: str = ""
    eps_r: float
    Eg: float
    varshni_alpha: float = 0.0
    varshni_beta: float = 1.0
    chi: float
    Nc: float
    Nv: float
    dos_exponent: float = 1.5
    mu_n: float
    mu_p: float
    mu_n_exponent: float = 0.0
    mu_p_exponent: float = 0.0
    mu_n_activation: float = 0.0
    mu_p_activation: float = 0.0
    tau_n: float = 1e-6
    tau_p: float = 1e-6
    trap_level: float = 0.0
    B_rad: float = 0.0
    C_n: float = 0.0
    C_p: float = 0.0
    donor_level: float = 0.0
    acceptor_level: float = 0.0
    g_D: float = 2.0
    g_A: float = 4.0
    A_n: float = 1.2017e6
    A_p: float = 1.2017e6
    ii_an: float = 0.0
    ii_bn: float = 0.0
    ii_ap: float = 0.0
    ii_bp: float = 0.0
    btbt_A: float = 0.0
    btbt_B: float = 0.0
    tunnelling_mass: float = 0.0
    poole_frenkel_eps_r: float = 0.0
    dielectric_strength: float = 0.0
    defect_density: float = 0.0
    defect_level: float = 0.0
    defect_cross_section: float = 1e-19
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.name
        _check(n, "eps_r", self.eps_r, ">=1")
        _check(n, "Eg", self.Eg / q, ">0", " eV")
        _check(n, "chi", self.chi / q, ">=0", " eV")
        for f in ("Nc", "Nv", "mu_n", "mu_p", "tau_n", "tau_p", "g_D", "g_A", "varshni_beta"):
            _check(n, f, getattr(self, f), ">0")
        for f in ("varshni_alpha", "B_rad", "C_n", "C_p", "donor_level", "acceptor_level",
                  "mu_n_activation", "mu_p_activation", "A_n", "A_p", "ii_an", "ii_bn",
                  "ii_ap", "ii_bp", "dos_exponent", "btbt_A", "btbt_B", "tunnelling_mass",
                  "poole_frenkel_eps_r", "dielectric_strength", "defect_density"):
            _check(n, f, getattr(self, f), ">=0")
        _check(n, "trap_level", self.trap_level, "finite")
        _check(n, "defect_level", self.defect_level, "finite")
        _check(n, "defect_cross_section", self.defect_cross_section, ">0")
        if abs(self.defect_level) >= self.Eg / 2:
            raise MaterialError(f"material '{n}': defect_level must lie inside the gap")
        for f in ("mu_n_exponent", "mu_p_exponent"):
            _check(n, f, getattr(self, f), "finite")
        if abs(self.trap_level) >= self.Eg / 2:
            raise MaterialError(f"material '{n}': trap_level must lie inside the gap")

    def band_gap(self, T: float) -> float:
        """Band gap at ``T`` (J) from the Varshni law anchored at 300 K.

        Args:
            T: Temperature (K).
        """
        a, b = self.varshni_alpha, self.varshni_beta
        Eg0 = self.Eg + a * T_REF**2 / (T_REF + b)
        return Eg0 - a * T**2 / (T + b)

    def at(self, T: float) -> BandState:
        """Evaluate every temperature law at ``T``.

        Args:
            T: Temperature (K).

        Returns:
            The parameters at ``T``.
        """
        if not (T > 0 and math.isfinite(T)):
            raise MaterialError(f"temperature {T} K must be positive")
        r = T / T_REF
        Eg = self.band_gap(T)
        if Eg <= 0:
            raise MaterialError(f"material '{self.name}': Varshni gap <= 0 at {T} K")
        return BandState(
            T=T, eps_r=self.eps_r, Eg=Eg, chi=self.chi,
            Nc=self.Nc * r**self.dos_exponent, Nv=self.Nv * r**self.dos_exponent,
            mu_n=self.mu_n * r ** (-self.mu_n_exponent) * arrhenius(T, self.mu_n_activation),
            mu_p=self.mu_p * r ** (-self.mu_p_exponent) * arrhenius(T, self.mu_p_activation),
            tau_n=self.tau_n, tau_p=self.tau_p, trap_level=self.trap_level,
            B_rad=self.B_rad, C_n=self.C_n, C_p=self.C_p,
            donor_level=self.donor_level, acceptor_level=self.acceptor_level,
            g_D=self.g_D, g_A=self.g_A, A_n=self.A_n, A_p=self.A_p,
            tunnelling_mass=self.tunnelling_mass, poole_frenkel_eps_r=self.poole_frenkel_eps_r,
            dielectric_strength=self.dielectric_strength, defect_density=self.defect_density,
            defect_level=self.defect_level, defect_cross_section=self.defect_cross_section,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class IonSpecies:
    """A mobile ion species of an electrolyte.

    Attributes:
        name: Species name (e.g. ``"Li"``).
        z: Charge number.
        concentration: Bulk (mobile) concentration (m^-3).
        D: Diffusivity at 300 K (m^2/s).
        activation: Arrhenius activation energy of D (J).
        sources: Field name -> citation.
    """

    name: str
    z: int
    concentration: float
    D: float
    activation: float = 0.0
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.z == 0:
            raise MaterialError(f"ion '{self.name}': charge number z must be non-zero")
        _check(self.name, "concentration", self.concentration, ">0")
        _check(self.name, "D", self.D, ">0")
        _check(self.name, "activation", self.activation, ">=0")

    def diffusivity(self, T: float) -> float:
        """Diffusivity at ``T`` (m^2/s), Arrhenius from 300 K.

        Args:
            T: Temperature (K).
        """
        return self.D * arrhenius(T, self.activation)


@dataclass(frozen=True, slots=True, kw_only=True)
class Electrolyte(Semiconductor):
    """A solid electrolyte: mobile ions on a fixed framework, plus effective electronic carriers.

    Electronic model (effective, documented in the README): electrons move in an effective
    transport level (a defect / polaron band with affinity ``chi`` and density of states ``Nc``,
    not the 6 eV-gap conduction band); a fully ionised electronic donor density
    ``electronic_donors`` (reduced cations, oxygen vacancies) makes the bulk n-type with
    n ~ electronic_donors; the electron mobility is activated (small-polaron hopping) and chosen
    so that ``sigma_e(T) = q * electronic_donors * mu_n(T)`` reproduces the measured electronic
    conductivity ``sigma_e`` (300 K) and its activation energy.

    Attributes:
        ions: Mobile ion species.
        electronic_donors: Fully ionised electronic donor density (m^-3).
        sigma_e: Electronic conductivity at 300 K (S/m).
        sigma_e_activation: Its Arrhenius activation energy (J).
        site_density: Maximum ion site density for the finite-site (Bikerman) limit (m^-3).
        stern_capacitance: Compact (Stern) layer capacitance at electrodes (F/m^2).
    """

    ions: tuple[IonSpecies, ...] = ()
    electronic_donors: float = 0.0
    sigma_e: float = 0.0
    sigma_e_activation: float = 0.0
    site_density: float = 0.0
    stern_capacitance: float = 0.0

    def __post_init__(self) -> None:
        Semiconductor.__post_init__(self)
        if not self.ions:
            raise MaterialError(f"electrolyte '{self.name}' needs at least one mobile ion species")
        for f in ("sigma_e", "sigma_e_activation", "site_density", "stern_capacitance",
                  "electronic_donors"):
            _check(self.name, f, getattr(self, f), ">=0")
        if self.sigma_e > 0 and self.electronic_donors <= 0:
            raise MaterialError(f"electrolyte '{self.name}': sigma_e needs electronic_donors > 0 "
                                "(the electron density it is carried by)")
        total = sum(i.concentration for i in self.ions)
        if self.site_density and self.site_density <= total:
            raise MaterialError(
                f"electrolyte '{self.name}': site_density must exceed the total ion concentration"
            )


    def electronic_conductivity(self, T: float) -> float:
        """Electronic conductivity at ``T`` (S/m), Arrhenius from its 300 K value.

        Args:
            T: Temperature (K).
        """
        return self.sigma_e * arrhenius(T, self.sigma_e_activation)

    def at(self, T: float) -> BandState:
        """Band parameters at ``T``; the electron mobility follows sigma_e(T) when given."""
        state = Semiconductor.at(self, T)
        if self.sigma_e > 0:
            mu = self.electronic_conductivity(T) / (q * self.electronic_donors)
            state = replace(state, mu_n=mu)
        return state


Material = Semiconductor | Electrolyte | Metal


def field_names(cls: type) -> list[str]:
    """Names of the numeric fields of a material class (not name/description/sources/ions)."""
    skip = {"name", "description", "sources", "ions"}
    return [f.name for f in fields(cls) if f.name not in skip]
