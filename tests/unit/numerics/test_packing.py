"""Coefficients packed once per solve: assemblies identical to packing on every assembly."""

import numpy as np
import pytest

import ufl
from dolfinx import fem, mesh
from petsc4py import PETSc

from helpers import diode_toml
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.numerics import compat
from solver.numerics.packing import PackedCoefficients
from solver.studies.equilibrium import run_equilibrium


def residual_of(comm, dim):
    """A nonlinear form with a blocked unknown, a base, a DG0 field, a constant and ds."""
    msh = (mesh.create_unit_interval(comm, 12) if dim == 1
           else mesh.create_unit_square(comm, 4, 3))
    W = compat.function_space(msh, shape=(2,))
    u, base = fem.Function(W), fem.Function(W)
    D = fem.Function(compat.function_space(msh, "DG", 0))
    D.x.array[:] = 1.0 + np.arange(D.x.array.size) % 5
    c = compat.constant(msh, 2.0)
    t = ufl.TestFunction(W)
    f = base + u
    F = (D * ufl.exp(f[0]) * ufl.dot(ufl.grad(f[1]), ufl.grad(t[0])) + c * f[1] ** 2 * t[1]
         + D * f[0] * t[1]) * ufl.dx + ufl.exp(f[1]) * t[0] * ufl.ds
    return u, base, D, F


def assembled(L, coeffs):
    V = L.function_spaces[0]
    b = fem.petsc.create_vector(L)
    with b.localForm() as loc:
        loc.set(0.0)
    if coeffs is None:
        fem.petsc.assemble_vector(b, L)
    else:
        fem.petsc.assemble_vector(b, L, coeffs=coeffs)
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    out = b.getArray().copy()
    b.destroy()
    assert out.size == V.dofmap.index_map.size_local * V.dofmap.index_map_bs
    return out


@pytest.mark.parametrize("dim", [1, 2])
def test_refreshed_table_assembles_what_a_fresh_pack_assembles(comm, dim):
    u, base, D, F = residual_of(comm, dim)
    L = fem.form(F)
    packed = PackedCoefficients(L, (u, base))
    assert packed.active == (compat.coefficient_packer() is not None)
    rng = np.random.default_rng(comm.rank)
    packed.pack()
    for _ in range(3):  # live functions change between assemblies: refreshed
        u.x.array[:] = rng.uniform(-1, 1, u.x.array.size)
        base.x.array[:] = rng.uniform(-1, 1, base.x.array.size)
        assert np.array_equal(assembled(L, packed.current()), assembled(L, None))
    D.x.array[:] *= 3.0  # a fixed coefficient changed: stale until the next pack
    if packed.active:
        assert not np.array_equal(assembled(L, packed.current()), assembled(L, None))
    packed.pack()
    assert np.array_equal(assembled(L, packed.current()), assembled(L, None))


def sweep(case, comm):
    pb = DeviceProblem(case, comm)
    run_equilibrium(pb, 300.0)
    out, its, residuals = [], [], []
    for T, V in ((300.0, 0.2), (300.0, 0.4), (320.0, 0.4), (320.0, -0.5)):
        if T != pb.temperature:
            pb.set_temperature(T)  # fixed coefficients change between solves
        pb.set_bias("left", V)
        before = pb.dd_solver.residuals
        res = pb.solve()
        assert res.converged
        out.append(pb.solution_array())
        its.append(res.iterations)
        residuals.append(pb.dd_solver.residuals - before)
    return out, its, residuals


def test_device_solves_identical_with_and_without_kept_tables(write_case, comm, monkeypatch):
    case = load_case(write_case(diode_toml(thickness_nm=200.0)))
    kept, its, residuals = sweep(case, comm)
    assert residuals == its  # one residual per Newton iteration: none after the last update
    monkeypatch.setattr(compat, "coefficient_packer", lambda: None)
    fresh, its2, _ = sweep(case, comm)
    assert its == its2
    for a, b in zip(kept, fresh):
        assert np.array_equal(a, b)


def test_a_line_search_that_compares_norms_gets_every_residual(write_case, comm):
    case = load_case(write_case(diode_toml(thickness_nm=200.0)))
    pb = DeviceProblem(case, comm, {"snes_linesearch_type": "bt"})
    run_equilibrium(pb, 300.0)
    pb.set_bias("left", 0.3)
    before = pb.dd_solver.residuals
    res = pb.solve()
    assert res.converged
    assert pb.dd_solver.residuals - before >= res.iterations + 1  # the last one too


def test_a_packer_that_fails_leaves_packing_to_dolfinx(comm, monkeypatch):
    u, base, _, F = residual_of(comm, 1)
    L = fem.form(F)

    def broken(form):
        raise TypeError("incompatible function arguments")

    monkeypatch.setattr(compat, "coefficient_packer", lambda: broken)
    packed = PackedCoefficients(L, (u, base))
    assert not packed.active and packed.current() is None
