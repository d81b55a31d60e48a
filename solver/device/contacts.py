"""Contact state: boundary values of each electrode at the current temperature and bias."""

from __future__ import annotations

from dataclasses import dataclass

from dolfinx import fem

from ..case import Case, Contact
from ..constants import q
from ..contacts import KINDS, ContactKind
from ..materials import Electrolyte
from ..numerics import compat
from ..numerics.linear import amg_type
from ..physics import boundary
from .coefficients import CellParameters, layer_values


@dataclass
class ContactState:
    """Boundary values of one contact (scaled), held as constants the forms read.

    Attributes:
        contact: The case's contact.
        tag: Facet tag.
        layer: Index of the layer it touches.
        electrolyte: Whether that layer is an electrolyte.
        u: Scaled metal (or ohmic-contact) potential, bias included.
        vm: Scaled metal Fermi potential (bias / V_ref).
        vn: Scaled electron recombination velocity.
        vp: Scaled hole recombination velocity.
        stern: Scaled Stern capacitance (0: potential pinned by a Dirichlet condition).
        i0: Scaled Butler-Volmer exchange current density (li_metal).
        u_eq: Equilibrium potential at zero bias (scaled).
        bias: Applied bias (V).
    """

    contact: Contact
    tag: int
    layer: int
    electrolyte: bool
    u: fem.Constant
    vm: fem.Constant
    vn: fem.Constant
    vp: fem.Constant
    stern: fem.Constant
    i0: fem.Constant
    u_eq: float = 0.0
    bias: float = 0.0

    @property
    def name(self) -> str:
        """Contact name."""
        return self.contact.name

    @property
    def kind(self) -> str:
        """Contact kind."""
        return self.contact.kind

    @property
    def law(self) -> ContactKind:
        """The contact kind: its fixed unknowns, equilibrium potential and boundary terms."""
        return KINDS[self.contact.kind]

    @property
    def pinned(self) -> bool:
        """Whether the potential is a Dirichlet condition (no Stern layer)."""
        return not float(self.stern.value) > 0.0


def create_contact_states(case: Case, dm, P: CellParameters) -> dict[str, ContactState]:
    """One :class:`ContactState` per contact of ``case``."""
    out = {}
    for c in case.contacts.values():
        layer = dm.contact_layers[c.name]
        consts = [compat.constant(dm.mesh, 0.0) for _ in range(6)]
        mat = case.materials.get(case.layers[layer].material)
        cs = ContactState(c, dm.contact_tags[c.name], layer, isinstance(mat, Electrolyte),
                          *consts)
        out[c.name] = cs
    return out


def stern_capacitance(case: Case, cs: ContactState) -> float:
    """Compact-layer capacitance of an electrolyte contact (F/m^2; 0 for none)."""
    if not cs.electrolyte:
        return 0.0
    if cs.contact.stern_capacitance is not None:
        return cs.contact.stern_capacitance
    return case.materials.get(case.layers[cs.layer].material).stern_capacitance


def update_contact(cs: ContactState, case: Case, P: CellParameters, stats: str,
                   incomplete: bool) -> None:
    """Recompute a contact's values at the parameters' current temperature (bias kept)."""
    s, T = P.scaling, P.T
    state = P.states[cs.layer]
    c = layer_values(case, cs.layer, state, s)
    beta = float(P.beta.value)
    cs.u_eq = cs.law.equilibrium_potential(cs, c, beta, P, stats, incomplete)
    vn = cs.contact.v_n or boundary.thermionic_velocity(state.A_n, T, state.Nc)
    vp = cs.contact.v_p or boundary.thermionic_velocity(state.A_p, T, state.Nv)
    cs.vn.value = vn * s.L0 / (s.mu0 * s.V_ref)
    cs.vp.value = vp * s.L0 / (s.mu0 * s.V_ref)
    cs.stern.value = stern_capacitance(case, cs) * s.V_ref / (q * s.C0 * s.L0)
    cs.law.constants(cs, P)
    set_contact_bias(cs, cs.bias, s.V_ref)


def set_contact_bias(cs: ContactState, V: float, V_ref: float) -> None:
    """Set a contact's bias (V) in its constants."""
    cs.bias = V
    cs.u.value = cs.u_eq + V / V_ref
    cs.vm.value = V / V_ref


def harmonic_weight(V: fem.FunctionSpace, dm, contacts: dict[str, ContactState], name: str,
                    comm, iterative: bool = False) -> fem.Function:
    """P1 solution of Laplace's equation with 1 on contact ``name`` and 0 on the others.

    Solved by MUMPS, or (``iterative``) by CG + algebraic multigrid to 1e-12; either way the
    contact values are then set exactly, which is all the terminal current's exactness needs.
    """
    import ufl
    from dolfinx.fem import petsc as fem_petsc
    from petsc4py import PETSc

    fdim = dm.mesh.topology.dim - 1
    bcs = []
    for cs in contacts.values():
        dofs = fem.locate_dofs_topological(V, fdim, dm.facet_tags.find(cs.tag))
        bcs.append(fem.dirichletbc(compat.constant(dm.mesh, 1.0 if cs.name == name else 0.0),
                                   dofs, V))
    u, t = ufl.TrialFunction(V), ufl.TestFunction(V)
    a = fem.form(ufl.inner(ufl.grad(u), ufl.grad(t)) * ufl.dx)
    L = fem.form(compat.constant(dm.mesh, 0.0) * t * ufl.dx)
    A = compat.create_matrix(a)
    compat.assemble_matrix(A, a, bcs)
    W = fem.Function(V)
    b = compat.petsc_vec(W).duplicate()
    with b.localForm() as loc:
        loc.set(0.0)
    fem_petsc.assemble_vector(b, L)
    fem_petsc.apply_lifting(b, [a], [bcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, bcs)
    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(A)
    if iterative:
        ksp.setType("cg")
        ksp.getPC().setType(amg_type())
        ksp.setTolerances(rtol=1e-12, atol=0.0, max_it=500)
    else:
        ksp.setType("preonly")
        ksp.getPC().setType("lu")
        ksp.getPC().setFactorSolverType("mumps")
    x = compat.petsc_vec(W)
    ksp.solve(b, x)
    fem_petsc.set_bc(x, bcs)
    W.x.scatter_forward()
    for obj in (ksp, A, b):
        obj.destroy()
    return W
