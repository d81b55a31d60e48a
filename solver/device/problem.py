"""The coupled device problem that every study shares.

Unknowns on one P1 space with block size ``3 + K``: scaled potential ``u``, electron / hole
quasi-Fermi potentials ``v``, ``w``, and the electrochemical potential of each of the K mobile ion
species (see :mod:`solver.device.residual`). The problem owns the mesh, coefficients, contact
states, the Newton solvers (equilibrium Poisson; coupled DC; coupled transient) and the state.

Compensated unknowns: the solution is held as an unevaluated sum ``base + sol`` of two P1
functions; Newton updates ``sol`` and, before every update, the state is renormalised so that
``base`` is coarsely quantised and ``sol`` carries the fine remainder. Quasi-Fermi potential
differences between neighbouring nodes then keep ~20 significant digits, so the tiny ohmic drop
of majority carriers across fine cells (1e-12 kT/q next to a contact biased to 40 kT/q) is
resolved and element currents are conserved to ~1e-11 even in reverse bias, where a plain
double-precision unknown leaves 1e-3 noise (the round-off trap of double-precision TCAD).
"""

from __future__ import annotations

import logging

import numpy as np

import ufl
from dolfinx import fem
from mpi4py import MPI

from ..case import Case
from ..errors import ConvergenceError
from ..geometry.mesh import DeviceMesh, build_stack_mesh
from ..numerics import compat, linear
from ..numerics.compensated import renormalise
from ..numerics.newton import NewtonResult, NewtonSolver
from ..physics import boundary, generation
from ..physics.edges import edge_geometry
from ..physics.lumping import lumped_measure
from .avalanche import LaggedCurrents, fixed_point
from .coefficients import (
    CellParameters,
    create_parameters,
    layer_values,
    make_scaling,
    set_temperature,
)
from .contacts import (
    ContactState,
    create_contact_states,
    harmonic_weight,
    set_contact_bias,
    update_contact,
)
from .dofsets import coupled_dirichlet, equilibrium_dirichlet, ion_conservation, layer_nodal
from .residual import DeviceForms, Fields
from .series import SeriesResistance
from .stepmap import StepMap
from .timelevels import TimeLevels

log = logging.getLogger(__name__)

class DeviceProblem:
    """Mesh, coefficients, forms, solvers and state of one device.

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
        if case.meshed:
            from ..geometry.gmsh_mesh import build_gmsh_mesh

            self.dm: DeviceMesh = build_gmsh_mesh(case, comm)
        else:
            self.dm = build_stack_mesh(case, comm, nodes)
        self.scaling = make_scaling(case, self.dm.length)
        self.P: CellParameters = create_parameters(case, self.dm, self.scaling)
        self.species = self.P.species
        msh = self.dm.mesh
        self.nc = 3 + len(self.species)
        self.W = compat.function_space(msh, shape=(self.nc,))
        self.V, self._u_dofs = self.W.sub(0).collapse()
        self.sol = fem.Function(self.W, name="solution")  # Newton unknown (a correction)
        self.base = fem.Function(self.W, name="base")  # fixed during a solve
        self.levels = TimeLevels(self.W, self.scaling.t0)  # previous states, BDF coefficients
        self.psi0 = fem.Function(self.V, name="psi_equilibrium")
        self.stats = case.physics.statistics
        self.incomplete = case.physics.incomplete_ionisation
        self.dx = ufl.Measure("dx", domain=msh, metadata=compat.midpoint_quadrature_metadata())
        self.dxv = lumped_measure(msh)  # box method: dual-cell (Voronoi) lumping
        self.ds = ufl.Measure("ds", domain=msh, subdomain_data=self.dm.facet_tags)
        self.contacts: dict[str, ContactState] = create_contact_states(case, self.dm, self.P)
        self.time = self.levels.coefficients
        self.geo = edge_geometry(msh)
        self.forms = DeviceForms(self.P, self.contacts, (self.dx, self.dxv, self.ds),
                                 self.geo, case.physics, self.time,
                                 any(case.materials.get(ly.material).defect_density > 0
                                     for ly in case.layers))
        self.f = Fields.of(self.base + self.sol, self.species)
        self._lagged: LaggedCurrents | None = None
        if case.physics.impact_ionisation:
            self._lagged = LaggedCurrents(
                msh, self.dx, {k: self.current_magnitude(k) for k in ("electron", "hole")}, comm,
                sum(generation.ionisation_coefficients(self.f.u, self.P)))
            self.forms.lagged = self._lagged.functions
        self._old = (Fields.of(self.levels.old1, self.species),
                     Fields.of(self.levels.old2, self.species))
        opts = {**case.solver.petsc_options, **(petsc_options or {})}
        self._kw = dict(max_iterations=case.solver.max_iterations,
                        update_tolerance=case.solver.update_tolerance,
                        linear_solver=case.solver.linear_solver, petsc_options=opts)
        # contact values first: a Stern layer (or not) decides the boundary conditions
        set_temperature(self.P, case, self.dm, case.temperatures[0])
        for cs in self.contacts.values():
            update_contact(cs, case, self.P, self.stats, self.incomplete)
        self.eq_solver = NewtonSolver(
            self.forms.equilibrium(self.psi0, ufl.TestFunction(self.V)), self.psi0,
            equilibrium_dirichlet(self.V, self.dm, self.contacts), comm, **self._kw)
        self.bcs = self._coupled_bcs()
        self._weights: dict[str, fem.Function] = {}
        self._areas: dict[str, float] = {}
        self.dd_solver = self._coupled_solver(transient=False)
        self.dd_solver.constraints = self._ion_constraints()
        self._tr_solver: NewtonSolver | None = None
        self._current_forms = {n: self._current_form(n, False) for n in self.contacts}
        self._tr_current_forms: dict = {}
        self.series = SeriesResistance(case)
        self.applied: dict[str, float] = dict.fromkeys(self.contacts, 0.0)
        self.equilibrium_state: tuple | None = None
        self.transient_tolerance = 0.0  # Newton update tolerance of time steps (scaled)

    # -- construction ---------------------------------------------------------------------
    def _coupled_bcs(self) -> list:
        """Homogeneous Dirichlet conditions of ``sol`` (see :func:`dofsets.coupled_dirichlet`)."""
        d = coupled_dirichlet(self.case, self.dm, self.W, self.contacts, len(self.species))
        self._contact_dofs, self._ion_fixed, self._free = d.contact_dofs, d.ion_fixed, d.free
        return d.bcs

    def _ion_constraints(self) -> list:
        """Conservation of each ion species in DC solves when every electrode blocks it."""
        if not self.species or any(cs.law.exchanges_ions for cs in self.contacts.values()):
            return []
        conc = self.forms.densities(self.f)[2]
        return ion_conservation(self.case, self.dm, self.W, self.V, self._free,
                                [conc[name] * self.dxv for name, _ in self.species], self.sol)

    def _coupled_solver(self, transient: bool) -> NewtonSolver:
        F = self.forms.coupled(self.f, *self._old, ufl.TestFunction(self.W), transient)
        imap = self.W.dofmap.index_map
        blocked = bool(self.species) and not any(cs.law.exchanges_ions
                                                 for cs in self.contacts.values())
        steps = StepMap(self.nc, self._free, imap.size_local * self.W.dofmap.index_map_bs,
                        [z for _, z in self.species], lambda: float(self.P.beta.value),
                        self.comm, dc=not transient, level=blocked,
                        wide=self.dm.mesh.topology.dim == 1)
        return NewtonSolver(F, self.sol, self.bcs, self.comm, before_step=self._renormalise,
                            step_map=steps, live=(self.base,), **self._kw)

    def _current_form(self, name: str, transient: bool) -> dict:
        return self.forms.contact_current(self.f, *self._old, self.weight(name), transient)

    def weight(self, name: str):
        """A P1 weight, 1 on contact ``name`` and 0 on the others, for its terminal current.

        1D: linear across the stack. 2D / 3D: harmonic (one Laplace solve). Any such weight
        gives the exact discrete contact current; a smooth one keeps round-off small.
        """
        if self.dm.mesh.topology.dim == 1:
            x = ufl.SpatialCoordinate(self.dm.mesh)[0]
            return 1.0 - x if self.contacts[name].tag == 1 else x
        if name not in self._weights:
            self._weights[name] = harmonic_weight(self.V, self.dm, self.contacts, name,
                                                  self.comm, self.dd_solver.linear.iterative)
        return self._weights[name]

    def linear_stats(self) -> dict:
        """Newton / Krylov iteration counts so far (:func:`solver.numerics.linear.summary`)."""
        return linear.summary({"equilibrium": self.eq_solver, "coupled": self.dd_solver,
                               "transient": self._tr_solver})

    def current_component(self, carrier: str, d: int = 0):
        """UFL scaled current density component ``J_d`` of a carrier (cell-wise constant)."""
        x = ufl.SpatialCoordinate(self.dm.mesh)
        return -self.forms.fluxes(self.f)[carrier](x[d])

    def current_magnitude(self, carrier: str):
        """UFL scaled |J| of a carrier (cell-wise constant)."""
        gdim = self.dm.mesh.geometry.dim
        return ufl.sqrt(sum(self.current_component(carrier, d) ** 2 for d in range(gdim)))

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
        self.series.forget()
        for cs in self.contacts.values():
            update_contact(cs, self.case, self.P, self.stats, self.incomplete)
            self.set_device_bias(cs.name, cs.bias)

    def set_bias(self, name: str, V: float) -> None:
        """Apply ``V`` volts to contact ``name``'s terminal (takes effect at the next solve).

        Without series resistance the device sees ``V``; with it, the next :meth:`solve` finds
        the device-side bias ``V - J R_s`` (:meth:`SeriesResistance.device_guess` starts it).
        """
        Vd = self.series.device_guess(V, self.applied[name], self.contacts[name].bias) \
            if self.series.active else V
        self.applied[name] = V
        self.set_device_bias(name, Vd)

    def set_device_bias(self, name: str, V: float) -> None:
        """Set the bias (V) the device itself sees at contact ``name`` (behind any R_s)."""
        cs = self.contacts[name]
        set_contact_bias(cs, V, self.scaling.V_ref)
        targets = {0: float(cs.u.value), 1: float(cs.vm.value), 2: float(cs.vm.value)}
        for (cname, comp), dofs in self._contact_dofs.items():
            if cname == name:
                self.base.x.array[dofs] = targets[comp]
                self.sol.x.array[dofs] = 0.0

    def snapshot(self) -> tuple:
        """A copy of the state: ``base`` and ``sol`` (local), device and applied biases."""
        biases = {name: cs.bias for name, cs in self.contacts.items()}
        return (self.base.x.array.copy(), self.sol.x.array.copy(), biases,
                dict(self.applied))

    def restore(self, state: tuple) -> None:
        """Restore a state from :meth:`snapshot`."""
        self.base.x.array[:] = state[0]
        self.sol.x.array[:] = state[1]
        for name, bias in state[2].items():
            self.set_device_bias(name, bias)
        self.applied.update(state[3])
        self.base.x.scatter_forward()
        self.sol.x.scatter_forward()

    def _renormalise(self) -> None:
        """Requantise ``base`` (:mod:`solver.numerics.compensated`) before each Newton update."""
        renormalise(self.base.x.array, self.sol.x.array, self._free)

    @property
    def potential_dofs(self) -> np.ndarray:
        """Local indices (into the coupled unknown) of the potential component."""
        return np.asarray(self._u_dofs)

    @property
    def free_dofs(self) -> np.ndarray:
        """Mask over the local coupled dofs: True where Newton moves the unknown."""
        return self._free

    def contact_fixed_dofs(self, name: str) -> np.ndarray:
        """Local coupled dofs fixed on contact ``name`` (potential and/or quasi-Fermi)."""
        parts = [d for (c, _), d in self._contact_dofs.items() if c == name]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def solution_array(self) -> np.ndarray:
        """Local values of ``base + sol`` (rounded to double)."""
        return self.base.x.array + self.sol.x.array

    # -- solves ---------------------------------------------------------------------------
    def solve_equilibrium(self) -> NewtonResult:
        """Staged equilibrium: neutral guess -> Poisson -> coupled system at 0 V.

        Raises:
            ConvergenceError: If a stage does not converge (with PETSc's reason).
        """
        for name in self.contacts:
            self.set_bias(name, 0.0)
        beta = float(self.P.beta.value)
        lv = [layer_values(self.case, i, st, self.scaling) for i, st in enumerate(self.P.states)]
        neutral = [boundary.neutral_potential(c, beta, self.stats, self.incomplete) for c in lv]
        self.psi0.x.array[:] = layer_nodal(self.V, self.dm, neutral)
        self.psi0.x.scatter_forward()
        res = self.eq_solver.solve()
        if not res.converged:
            raise ConvergenceError(
                f"equilibrium Poisson did not converge at T = {self.temperature:g} K "
                f"({res.reason_name} after {res.iterations} Newton iterations, from the "
                "charge-neutral guess); try a finer mesh ([mesh] min_nm) or more "
                "[solver] max_iterations", reason=res.reason)
        self.sol.x.array[:] = 0.0
        self.base.x.array[:] = 0.0
        self.base.x.array[self._u_dofs] = self.psi0.x.array
        u_ion = layer_nodal(self.V, self.dm, [c["u_ion"] for c in lv])
        for k in range(len(self.species)):
            self.base.x.array[np.asarray(self.W.sub(3 + k).collapse()[1])] = u_ion
            self.base.x.array[self._ion_fixed[k]] = 0.0
        for cs in self.contacts.values():
            self.set_bias(cs.name, 0.0)
        self.base.x.scatter_forward()
        self.sol.x.scatter_forward()
        for c in self.dd_solver.constraints:  # ion amounts of this equilibrium
            c.target = compat.assemble_scalar(c.value, self.comm)
        res2 = self.solve()
        if not res2.converged:
            raise ConvergenceError(
                f"coupled system at 0 V did not converge at T = {self.temperature:g} K "
                f"({res2.reason_name})", reason=res2.reason)
        self.equilibrium_state = self.snapshot()
        log.info("equilibrium at %g K: Poisson %d + coupled %d Newton iterations",
                 self.temperature, res.iterations, res2.iterations)
        return res2

    def solve(self) -> NewtonResult:
        """Newton solve of the DC coupled system at the current biases (no exception).

        With impact ionisation: the fixed point of :func:`solver.device.avalanche.fixed_point`
        over the cell current magnitudes that drive it (DIVERGED_MAX_IT at breakdown).
        """
        if self.series.active:
            return self.series.solve(self, self._device_solve, self.dd_solver)
        return self._device_solve()

    def _device_solve(self) -> NewtonResult:
        if self._lagged is None:
            return self._dc_solve()
        return fixed_point(self._dc_solve, self._lagged)

    def _dc_solve(self) -> NewtonResult:
        res = self.dd_solver.solve()
        if res.converged:
            self._renormalise()
        return res

    # -- time stepping --------------------------------------------------------------------
    def solve_transient(self) -> NewtonResult:
        """One implicit time step at the applied biases (with R_s, its terminal equation)."""
        if self.series.active:
            return self.series.solve(self, self.solve_transient_device, self.transient_solver,
                                     transient=True)
        return self.solve_transient_device()

    @property
    def transient_solver(self) -> NewtonSolver:
        """The Newton solver of implicit time steps (built at first use)."""
        if self._tr_solver is None:
            self._tr_solver = self._coupled_solver(transient=True)
        return self._tr_solver

    def solve_transient_device(self) -> NewtonResult:
        """Newton solve of one implicit time step at the present device-side biases."""
        solver = self.transient_solver
        # a step's error is controlled at time_tolerance: Newton need not go below the
        # round-off floor of the stiff (1/dt) terms, which can sit above the DC tolerance
        solver.tol = max(self._kw["update_tolerance"], self.transient_tolerance)
        res = solver.solve()
        if res.converged:
            self._renormalise()
        return res

    # -- read-out -------------------------------------------------------------------------
    def terminal_current(self, name: str, transient: bool = False) -> dict[str, float]:
        """Current density entering the device at contact ``name`` (A/m^2), by carrier.

        Returns:
            ``{"total", "electron", "hole", <species>..., "displacement" (transient)}``.
        """
        if transient and name not in self._tr_current_forms:
            self._tr_current_forms[name] = self._current_form(name, True)
        forms = self._tr_current_forms[name] if transient else self._current_forms[name]
        J0 = self.scaling.J0 / self.contact_area(name)
        out = {k: compat.assemble_scalar(f, self.comm) * J0 for k, f in forms.items()}
        out["total"] = sum(out.values())
        return out

    def electrolyte_thickness(self) -> float:
        """Total thickness of the electrolyte layers (m); the whole stack if there are none."""
        t = sum(ly.thickness for ly in self.case.layers if self.case.is_electrolyte(ly))
        return t or self.scaling.L0

    def contact_area(self, name: str) -> float:
        """Scaled measure of contact ``name`` (1 in 1D; a length in 2D, an area in 3D).

        Terminal currents are per this measure: a current density over the contact.
        """
        if name not in self._areas:
            tag = self.contacts[name].tag
            form = fem.form(compat.constant(self.dm.mesh, 1.0) * self.ds(tag))
            self._areas[name] = compat.assemble_scalar(form, self.comm)
        return self._areas[name]
