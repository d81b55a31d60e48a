"""The coupled device problem that every study shares.

Unknowns on one P1 space with block size 3: scaled potential ``u`` and electron / hole
quasi-Fermi potentials ``v``, ``w``. The problem owns the mesh, coefficients, contact boundary
values and two Newton solvers: equilibrium Poisson (Boltzmann carriers, flat Fermi level) and the
full drift-diffusion system. Studies drive it through temperature, bias, solve and read-out.

Compensated unknowns: the solution is held as an unevaluated sum ``base + sol`` of two P1
functions; Newton updates ``sol`` and every converged state is renormalised so that ``base`` is
coarsely quantised and ``sol`` carries the fine remainder. Quasi-Fermi potential differences
between neighbouring nodes then keep ~20 significant digits, so the tiny
ohmic drop of majority carriers across fine cells (1e-12 kT/q next to a contact biased to
40 kT/q) is resolved and element currents are conserved to ~1e-12 even in reverse bias, where a
plain double-precision unknown leaves 1e-3 noise (the round-off trap of double-precision TCAD).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

import ufl
from dolfinx import fem
from mpi4py import MPI

from ..case import Case
from ..constants import q
from ..errors import ConvergenceError
from ..geometry.mesh import DeviceMesh, build_stack_mesh
from ..numerics import compat
from ..numerics.newton import NewtonResult, NewtonSolver
from ..physics import carriers, contacts, ions, poisson, recombination
from ..physics.parameters import (
    CellParameters,
    create_parameters,
    layer_values,
    make_scaling,
    set_temperature,
)

log = logging.getLogger(__name__)

_QUANTUM_INV = 2.0**20  # base values are multiples of 2^-20 (scaled potential units)


@dataclass
class ContactState:
    """Boundary values of one contact (scaled), as constants the forms read.

    Attributes:
        name: Contact name.
        kind: Contact kind.
        tag: Facet tag.
        layer: Index of the layer it touches.
        u_eq: Equilibrium potential (scaled).
        bias: Applied bias (V).
    """

    name: str
    kind: str
    tag: int
    layer: int
    u: fem.Constant
    ln_n0: fem.Constant
    ln_p0: fem.Constant
    vn: fem.Constant
    vp: fem.Constant
    u_eq: float = 0.0
    bias: float = 0.0


class DeviceProblem:
    """Mesh, coefficients, forms and solvers of one device.

    Args:
        case: The validated case.
        comm: Communicator the device is distributed over.
        petsc_options: Extra PETSc options (override the case's and the defaults).
        nodes: Explicit mesh node coordinates (m); default: graded from the case.
    """

    def __init__(self, case: Case, comm: MPI.Comm = MPI.COMM_WORLD,
                 petsc_options: dict[str, str] | None = None,
                 nodes: np.ndarray | None = None) -> None:
        self.case, self.comm = case, comm
        self.dm: DeviceMesh = build_stack_mesh(case, comm, nodes)
        self.scaling = make_scaling(case)
        self.P: CellParameters = create_parameters(case, self.dm, self.scaling)
        msh = self.dm.mesh
        self.W = compat.function_space(msh, shape=(3,))
        self.V, self._u_dofs = self.W.sub(0).collapse()
        self.sol = fem.Function(self.W, name="solution")  # Newton unknown (a correction)
        self.base = fem.Function(self.W, name="base")  # fixed during a solve
        self.psi0 = fem.Function(self.V, name="psi_equilibrium")
        self.stats = case.physics.statistics
        self.incomplete = case.physics.incomplete_ionisation
        tdim = msh.topology.dim
        self.h = ufl.CellDiameter(msh)
        self.dx = ufl.Measure("dx", domain=msh, metadata=compat.midpoint_quadrature_metadata())
        self.dxv = ufl.Measure("dx", domain=msh,
                               metadata=compat.vertex_quadrature_metadata(tdim))
        self.ds = ufl.Measure("ds", domain=msh, subdomain_data=self.dm.facet_tags)
        self.contacts = {c.name: self._contact_state(c.name) for c in case.contacts.values()}
        opts = {**case.solver.petsc_options, **(petsc_options or {})}
        kw = dict(max_iterations=case.solver.max_iterations,
                  update_tolerance=case.solver.update_tolerance,
                  linear_solver=case.solver.linear_solver, petsc_options=opts)
        self.eq_solver = NewtonSolver(self._equilibrium_form(), self.psi0,
                                      self._bcs(self.V, scalar=True), comm, **kw)
        self.dd_solver = NewtonSolver(self._coupled_form(), self.sol,
                                      self._bcs(self.W, scalar=False), comm,
                                      before_step=self._renormalise, **kw)
        self._free = np.ones(self.sol.x.array.shape, dtype=bool)
        for dofs in self._contact_dofs.values():
            self._free[dofs] = False
        self._current_forms = {name: self._current_form(name) for name in self.contacts}
        self.set_temperature(case.temperatures[0])

    # -- construction ---------------------------------------------------------------------
    def _contact_state(self, name: str) -> ContactState:
        c = self.case.contacts[name]
        msh = self.dm.mesh
        const = [compat.constant(msh, 0.0) for _ in range(5)]
        layer = 0 if c.at == "left" else len(self.case.layers) - 1
        return ContactState(name, c.kind, self.dm.contact_tags[name], layer, *const)

    def _bcs(self, space: fem.FunctionSpace, scalar: bool) -> list:
        """Dirichlet conditions: potential at every contact, quasi-Fermi potentials at ohmic ones.

        The coupled system's are homogeneous (its unknown is a correction to ``base``, which
        holds the contact values); their dofs are kept in ``self._contact_dofs``.
        """
        fdim = self.dm.mesh.topology.dim - 1
        bcs = []
        zero = compat.constant(self.dm.mesh, 0.0)
        if not scalar:
            self._contact_dofs = {}
        for cs in self.contacts.values():
            facets = self.dm.facet_tags.find(cs.tag)
            comps = [0] if scalar or cs.kind != "ohmic" else [0, 1, 2]
            for i in comps:
                sub = space if scalar else space.sub(i)
                dofs = fem.locate_dofs_topological(sub, fdim, facets)
                bcs.append(fem.dirichletbc(cs.u if scalar else zero, dofs, sub))
                if not scalar:
                    self._contact_dofs[(cs.name, i)] = np.asarray(dofs)
        return bcs

    def _equilibrium_form(self) -> ufl.Form:
        u, t, P = self.psi0, ufl.TestFunction(self.V), self.P
        n = carriers.electron_density(u, 0.0, P, self.stats)
        p = carriers.hole_density(u, 0.0, P, self.stats)
        rho = poisson.space_charge(n, p, P, self.incomplete, ions.equilibrium_ion_charge(u, P))
        return poisson.poisson_residual(u, t, rho, P, self.dx, self.dxv)

    def fields(self) -> tuple:
        """UFL components ``(u, v, w)`` of the solution (``base + sol``)."""
        b, s = self.base, self.sol
        return b[0] + s[0], b[1] + s[1], b[2] + s[2]

    def currents(self) -> tuple:
        """UFL scaled electron and hole current densities (1D)."""
        u, v, w = self.fields()
        return (carriers.electron_current(u, v, self.P, self.h, self.stats),
                carriers.hole_current(u, w, self.P, self.h, self.stats))

    def _coupled_form(self) -> ufl.Form:
        u, v, w = self.fields()
        t = ufl.TestFunction(self.W)
        P = self.P
        n = carriers.electron_density(u, v, P, self.stats)
        p = carriers.hole_density(u, w, P, self.stats)
        rho = poisson.space_charge(n, p, P, self.incomplete, ions.equilibrium_ion_charge(u, P))
        R = recombination.net_recombination(self.case.physics.recombination, n, p, v, w, P)
        Jn, Jp = self.currents()
        F = poisson.poisson_residual(u, t[0], rho, P, self.dx, self.dxv)
        F += -Jn * t[1].dx(0) * self.dx - R * t[1] * self.dxv
        F += -Jp * t[2].dx(0) * self.dx + R * t[2] * self.dxv
        for cs in self.contacts.values():
            if cs.kind != "ohmic":
                F += contacts.thermionic_terms(n, p, cs.ln_n0, cs.ln_p0, cs.vn, cs.vp, t[1],
                                               t[2], self.ds(cs.tag))
        return F

    def _current_form(self, name: str) -> tuple:
        """Forms of the electron and hole current entering the device at contact ``name``.

        Domain-weighted flux: with W = 1 at the contact and 0 at the other one,
        ``J_in = -integral (J_n + J_p) . grad W``; the recombination terms cancel between the two
        carrier equations, so the result is exact for the discrete solution and free of the
        round-off that ruins the residual at a biased contact in reverse bias.
        """
        x = ufl.SpatialCoordinate(self.dm.mesh)[0]
        weight = 1.0 - x if self.contacts[name].tag == 1 else x
        Jn, Jp = self.currents()
        return (fem.form(-Jn * weight.dx(0) * self.dx), fem.form(-Jp * weight.dx(0) * self.dx))

    # -- state ----------------------------------------------------------------------------
    @property
    def temperature(self) -> float:
        """Current temperature (K)."""
        return self.P.T

    def set_temperature(self, T: float) -> None:
        """Evaluate materials at ``T`` and update contact values (biases are kept).

        Args:
            T: Temperature (K).
        """
        set_temperature(self.P, self.case, self.dm, T)
        beta = float(self.P.beta.value)
        s = self.scaling
        for cs in self.contacts.values():
            contact = self.case.contacts[cs.name]
            state = self.P.states[cs.layer]
            c = layer_values(self.case, cs.layer, state, s)
            if cs.kind == "ohmic":
                cs.u_eq = contacts.neutral_potential(c, beta, self.stats, self.incomplete)
            else:
                cs.u_eq = contacts.schottky_potential(contact.workfunction, s.chi_ref, s.V_ref)
                ln_n0, ln_p0 = contacts.equilibrium_log_densities(
                    contact.workfunction, state.chi, state.Eg, c["lnNc"], c["lnNv"], T)
                cs.ln_n0.value, cs.ln_p0.value = ln_n0, ln_p0
                vn = contact.v_n or contacts.thermionic_velocity(state.A_n, T, state.Nc)
                vp = contact.v_p or contacts.thermionic_velocity(state.A_p, T, state.Nv)
                cs.vn.value = vn * s.L0 / (s.mu0 * s.V_ref)
                cs.vp.value = vp * s.L0 / (s.mu0 * s.V_ref)
            self.set_bias(cs.name, cs.bias)

    def set_bias(self, name: str, V: float) -> None:
        """Apply ``V`` volts to contact ``name`` (takes effect at the next solve)."""
        cs = self.contacts[name]
        cs.bias = V
        Vr = self.scaling.V_ref
        cs.u.value = cs.u_eq + V / Vr
        targets = {0: cs.u_eq + V / Vr, 1: V / Vr, 2: V / Vr}
        for (cname, comp), dofs in self._contact_dofs.items():
            if cname == name:
                self.base.x.array[dofs] = targets[comp]
                self.sol.x.array[dofs] = 0.0

    def snapshot(self) -> tuple:
        """A copy of the state: local values of ``base`` and ``sol``, and the biases."""
        biases = {name: cs.bias for name, cs in self.contacts.items()}
        return self.base.x.array.copy(), self.sol.x.array.copy(), biases

    def restore(self, state: tuple) -> None:
        """Restore a state from :meth:`snapshot`."""
        self.base.x.array[:] = state[0]
        self.sol.x.array[:] = state[1]
        for name, bias in state[2].items():
            self.set_bias(name, bias)
        self.base.x.scatter_forward()
        self.sol.x.scatter_forward()

    def _renormalise(self) -> None:
        """Move the solution into ``base`` rounded to multiples of 2^-20 (about 1e-6 kT/q).

        Neighbouring nodes of a nearly flat quasi-Fermi level then hold *identical* ``base``
        values, whose gradient the form compiler evaluates as exactly zero, and ``sol`` keeps
        the small remainder (|sol| < 1e-6) with ~1e-22 absolute precision. ``base - new_base``
        is exact (Sterbenz) where it matters, so the represented value does not change. Runs
        before every Newton update, so the last iterations work on small corrections.
        """
        free = self._free  # Dirichlet dofs keep base = contact value, sol = 0
        a, b = self.base.x.array, self.sol.x.array
        new = np.round((a[free] + b[free]) * _QUANTUM_INV) / _QUANTUM_INV
        b[free] = (a[free] - new) + b[free]
        a[free] = new

    def solution_array(self) -> np.ndarray:
        """Local values of ``base + sol`` (rounded to double)."""
        return self.base.x.array + self.sol.x.array

    # -- solves ---------------------------------------------------------------------------
    def neutral_guess(self) -> None:
        """Set ``psi0`` to the local charge-neutral potential of each layer."""
        beta = float(self.P.beta.value)
        values = [contacts.neutral_potential(layer_values(self.case, i, st, self.scaling),
                                             beta, self.stats, self.incomplete)
                  for i, st in enumerate(self.P.states)]
        x = self.V.tabulate_dof_coordinates()[:, 0]
        idx = np.clip(np.searchsorted(self.dm.bounds, x, side="right") - 1, 0, len(values) - 1)
        self.psi0.x.array[:] = np.asarray(values)[idx]
        self.psi0.x.scatter_forward()

    def solve_equilibrium(self) -> NewtonResult:
        """Staged equilibrium: neutral guess -> Poisson -> coupled system at 0 V.

        Raises:
            ConvergenceError: If a stage does not converge (with PETSc's reason).
        """
        for name in self.contacts:
            self.set_bias(name, 0.0)
        self.neutral_guess()
        res = self.eq_solver.solve()
        if not res.converged:
            raise ConvergenceError(
                f"equilibrium Poisson did not converge at T = {self.temperature:g} K "
                f"({res.reason_name} after {res.iterations} Newton iterations, from the "
                "charge-neutral guess); try a finer mesh ([mesh] min_nm) or more "
                "[solver] max_iterations", reason=res.reason)
        self.sol.x.array[:] = 0.0
        self.base.x.array[:] = 0.0
        self.base.x.array[self._dof_map(0)] = self.psi0.x.array
        for cs in self.contacts.values():
            self.set_bias(cs.name, 0.0)
        self.base.x.scatter_forward()
        self.sol.x.scatter_forward()
        res2 = self.solve()
        if not res2.converged:
            raise ConvergenceError(
                f"coupled system at 0 V did not converge at T = {self.temperature:g} K "
                f"({res2.reason_name})", reason=res2.reason)
        self.equilibrium_state = self.snapshot()
        log.info("equilibrium at %g K: Poisson %d + coupled %d Newton iterations",
                 self.temperature, res.iterations, res2.iterations)
        return res2

    def _dof_map(self, comp: int) -> np.ndarray:
        return np.asarray(self._u_dofs) if comp == 0 else np.asarray(self.W.sub(comp).collapse()[1])

    def solve(self) -> NewtonResult:
        """Newton solve of the coupled system at the current biases (no exception)."""
        res = self.dd_solver.solve()
        if res.converged:
            self._renormalise()
        return res

    # -- read-out -------------------------------------------------------------------------
    def field_expressions(self) -> dict[str, tuple]:
        """Fields for ParaView: name -> (UFL expression, factor to output units)."""
        u, v, w = self.fields()
        P, s = self.P, self.scaling
        dens = s.C0 * 1e-6
        out = {
            "psi_V": (u - s.chi_ref / (q * s.V_ref), s.V_ref),
            "phi_n_V": (v, s.V_ref), "phi_p_V": (w, s.V_ref),
            "n_cm3": (carriers.electron_density(u, v, P, self.stats), dens),
            "p_cm3": (carriers.hole_density(u, w, P, self.stats), dens),
        }
        for name, conc in ions.equilibrium_concentrations(u, P).items():
            out[f"c_{name}_cm3"] = (conc, dens)
        return out

    def terminal_current(self, name: str) -> dict[str, float]:
        """Current density entering the device at contact ``name`` (A/m^2).

        Returns:
            ``{"total": ..., "electron": ..., "hole": ...}``.
        """
        Jn_form, Jp_form = self._current_forms[name]
        J0 = self.scaling.J0
        jn = compat.assemble_scalar(Jn_form, self.comm) * J0
        jp = compat.assemble_scalar(Jp_form, self.comm) * J0
        return {"total": jn + jp, "electron": jn, "hole": jp}
