"""The weak forms of a device, assembled from the physics modules.

Unknown vector (block size ``3 + K``): scaled potential ``u``, electron and hole quasi-Fermi
potentials ``v``, ``w`` and one ion electrochemical potential ``xi_k`` per mobile species.
Time derivatives use BDF coefficients held in constants (``inv_dt = 0`` gives the steady state),
so one compiled form serves DC, transient and (through its Jacobian) small-signal studies.

Sign conventions (scaled): electron eq. ``int mu n grad v . grad t - R t - dn/dt t``; hole eq.
``int mu p grad w . grad t + R t + dp/dt t``; ion eq. ``int dc/dt t + z mu c grad xi . grad t``;
each is the divergence form of the corresponding continuity equation.
"""

from __future__ import annotations

from dataclasses import dataclass

import ufl
from dolfinx import fem

from ..case import Physics
from ..physics import boundary, carriers, generation, ions, poisson, recombination, tunnelling
from ..physics.edges import EdgeGeometry
from .coefficients import CellParameters
from .contacts import ContactState


@dataclass
class TimeCoefficients:
    """BDF coefficients: ``d/dt x ~ inv_dt (a0 x + a1 x_old1 + a2 x_old2)``."""

    inv_dt: fem.Constant
    a0: fem.Constant
    a1: fem.Constant
    a2: fem.Constant


@dataclass
class Fields:
    """UFL expressions of one state (current or old)."""

    u: object
    v: object
    w: object
    xis: dict

    @classmethod
    def of(cls, x, species: list) -> Fields:
        """Split a vector expression ``x`` (block size 3 + K) into named fields."""
        return cls(x[0], x[1], x[2], {name: x[3 + k] for k, (name, _) in enumerate(species)})


class DeviceForms:
    """Form builder for one device.

    Args:
        P: Cell coefficients.
        contacts: Contact states.
        measures: ``(dx_flux, dx_lumped, ds)``.
        geo: Edge geometry of the mesh (EAFE).
        physics: The case's model switches.
        time: BDF coefficients.
        defects: Whether some film has a deep-defect channel (``defect_density``).
    """

    def __init__(self, P: CellParameters, contacts: dict[str, ContactState], measures: tuple,
                 geo: EdgeGeometry, physics: Physics, time: TimeCoefficients,
                 defects: bool = False) -> None:
        self.P, self.contacts, self.geo = P, contacts, geo
        self.dx, self.dxv, self.ds = measures
        self.stats, self.incomplete = physics.statistics, physics.incomplete_ionisation
        self.rec = physics.recombination
        self.time = time
        self.impact, self.btbt = physics.impact_ionisation, physics.band_to_band
        self.tat, self.pf = physics.trap_assisted_tunnelling, physics.poole_frenkel
        self.defects = defects
        self.lagged = None  # (|J_n|, |J_p|) cell-wise, set by the problem with impact ionisation

    # -- pieces ---------------------------------------------------------------------------
    def densities(self, f: Fields) -> tuple:
        """``(n, p, {species: c})`` of a state."""
        n = carriers.electron_density(f.u, f.v, self.P, self.stats)
        p = carriers.hole_density(f.u, f.w, self.P, self.stats)
        return n, p, ions.concentrations(f.u, f.xis, self.P)

    def charge(self, f: Fields):
        """Scaled space charge of a state."""
        n, p, conc = self.densities(f)
        return poisson.space_charge(n, p, self.P, self.incomplete, ions.ion_charge(conc, self.P))

    def fluxes(self, f: Fields) -> dict:
        """Flux terms by carrier ('electron', 'hole', each species): ``test -> -J . grad(test)``.

        Integrated with the one-point measure: with a test function, the divergence terms of
        the residual; with a weight W (1 at a contact), the current entering there; with the
        coordinate x_d, ``-J_d`` cell by cell.
        """
        P, geo, st = self.P, self.geo, self.stats
        out = {"electron": lambda t: carriers.electron_flux(f.u, f.v, t, P, geo, st),
               "hole": lambda t: carriers.hole_flux(f.u, f.w, t, P, geo, st)}
        for name, z in P.species:
            out[name] = (lambda t, name=name, z=z:
                         ions.ion_flux(f.u, f.xis, name, z, t, P, geo))
        return out

    def generation(self, f: Fields):
        """Breakdown pair generation (impact ionisation, band-to-band), or None."""
        G = None
        if self.impact and self.lagged is not None:
            G = generation.impact_ionisation(f.u, *self.lagged, self.P)
        if self.btbt:
            n, p, _ = self.densities(f)
            bb = generation.band_to_band(f.u, n, p, f.v, f.w, self.P)
            G = bb if G is None else G + bb
        return G

    def _ddt(self, now, old1, old2):
        t = self.time
        return t.inv_dt * (t.a0 * now + t.a1 * old1 + t.a2 * old2)

    # -- residuals ------------------------------------------------------------------------
    def equilibrium(self, psi0, test):
        """Equilibrium Poisson with Boltzmann carriers and ions at flat Fermi levels."""
        P = self.P
        n = carriers.electron_density(psi0, 0.0, P, self.stats)
        p = carriers.hole_density(psi0, 0.0, P, self.stats)
        rho = poisson.space_charge(n, p, P, self.incomplete, ions.equilibrium_ion_charge(psi0, P))
        F = poisson.poisson_residual(psi0, test, rho, P, self.dx, self.dxv)
        for cs in self.contacts.values():
            if not cs.pinned:
                F += boundary.stern_term(psi0, cs.u, cs.stern, test, self.ds(cs.tag))
        return F

    def coupled(self, f: Fields, old1: Fields, old2: Fields, t, transient: bool):
        """The full residual tested with the vector test function ``t``.

        Without ``transient`` the time terms are left out of the compiled form (cheaper DC).
        """
        P, dx, dxv = self.P, self.dx, self.dxv
        n, p, conc = self.densities(f)
        rho = poisson.space_charge(n, p, P, self.incomplete, ions.ion_charge(conc, P))
        R = recombination.net_recombination(self.rec, n, p, f.v, f.w, P,
                                            tunnelling.enhancement(f.u, P, self.tat, self.pf)
                                            if self.defects else None)
        J = self.fluxes(f)
        F = poisson.poisson_residual(f.u, t[0], rho, P, dx, dxv)
        F += J["electron"](t[1]) * dx - R * t[1] * dxv
        F += J["hole"](t[2]) * dx + R * t[2] * dxv
        G = self.generation(f)
        if G is not None:  # pairs: like negative recombination, element-wise (midpoint)
            F += G * t[1] * dx - G * t[2] * dx
        for k, (name, z) in enumerate(P.species):
            F += J[name](t[3 + k]) / z * dx
        if transient:
            n1, p1, c1 = self.densities(old1)
            n2, p2, c2 = self.densities(old2)
            F += -self._ddt(n, n1, n2) * t[1] * dxv + self._ddt(p, p1, p2) * t[2] * dxv
            for k, (name, _) in enumerate(P.species):
                F += self._ddt(conc[name], c1[name], c2[name]) * t[3 + k] * dxv
        for cs in self.contacts.values():
            F += self._contact_terms(cs, f, n, p, t)
        return F

    def _contact_terms(self, cs: ContactState, f: Fields, n, p, t):
        ds = self.ds(cs.tag)
        terms = cs.law.boundary_terms(cs, f, n, p, t, ds, self.P, self.stats)
        if not cs.pinned:
            terms += boundary.stern_term(f.u, cs.u, cs.stern, t[0], ds)
        return terms

    def contact_current(self, f: Fields, old1: Fields, old2: Fields, weight,
                        transient: bool) -> dict:
        """Forms of the current entering at the contact where ``weight`` = 1 (by carrier).

        Domain-weighted flux ``-int (J) . grad W`` (exact for the discrete solution; the
        recombination and accumulation terms cancel against Poisson's), plus the displacement
        current ``d/dt int lam2 eps_r grad u . grad W``.
        """
        out = {k: fem.form(flux(weight) * self.dx) for k, flux in self.fluxes(f).items()}
        if transient:
            du = self._ddt(f.u, old1.u, old2.u)
            out["displacement"] = fem.form(self.P.lam2 * self.P.eps_r * ufl.dot(
                ufl.grad(du), ufl.grad(weight)) * self.dx)
        return out
