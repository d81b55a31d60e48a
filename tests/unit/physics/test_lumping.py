"""Dual-cell (box-method) lumping fractions and the lumped measure."""

import numpy as np
import pytest

import ufl
from dolfinx import fem, mesh

from solver.numerics import compat
from solver.physics.lumping import LumpedMeasure, dual_fractions, lumped_measure


def test_right_triangle_gives_the_rectangle_quarters():
    # the right angle at the second vertex owns half, the hypotenuse ends a quarter each
    X = np.array([[[0.0, 0.0], [3.0, 0.0], [3.0, 0.5]]])
    np.testing.assert_allclose(dual_fractions(X), [[0.25, 0.5, 0.25]], atol=1e-15)


def test_equilateral_triangle_is_symmetric():
    X = np.array([[[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]]])
    np.testing.assert_allclose(dual_fractions(X), [[1 / 3] * 3], atol=1e-15)


def test_acute_triangle_matches_voronoi_areas():
    # Voronoi part of vertex i: the kite vertex i - edge midpoints - circumcentre
    P = np.array([[0.0, 0.0], [4.0, 0.0], [1.5, 3.0]])
    a, b, c = P
    d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
    cc = np.array([
        (a @ a) * (b[1] - c[1]) + (b @ b) * (c[1] - a[1]) + (c @ c) * (a[1] - b[1]),
        (a @ a) * (c[0] - b[0]) + (b @ b) * (a[0] - c[0]) + (c @ c) * (b[0] - a[0])]) / d

    def area(poly):
        x, y = np.asarray(poly).T
        return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))

    parts = [area([P[i], (P[i] + P[(i + 1) % 3]) / 2, cc, (P[i] + P[(i + 2) % 3]) / 2])
             for i in range(3)]
    np.testing.assert_allclose(dual_fractions(P[None]), [np.array(parts) / area(P)],
                               rtol=1e-12)


def test_obtuse_triangle_keeps_positive_vertex_weights():
    X = np.array([[[0.0, 0.0], [4.0, 0.0], [2.0, 0.3]]])
    np.testing.assert_allclose(dual_fractions(X), [[1 / 3] * 3])


@pytest.mark.parametrize("n", [1, 2, 3])
def test_fractions_sum_to_one_on_random_simplices(n):
    rng = np.random.default_rng(n)
    X = rng.random((200, n + 1, n))
    f = dual_fractions(X)
    assert np.all(f >= 0.0)
    np.testing.assert_allclose(f.sum(axis=1), 1.0, rtol=1e-12)


def test_lumped_measure_weights_each_cell_vertex(comm):
    msh = mesh.create_rectangle(comm, [np.zeros(2), np.array([2.0, 1.0])], [4, 3])
    dxl = lumped_measure(msh)
    assert isinstance(dxl, LumpedMeasure)
    one = compat.constant(msh, 1.0)
    assert compat.assemble_scalar(fem.form(one * dxl), comm) == pytest.approx(2.0, rel=1e-13)
    # a linear function integrates exactly: the dual cells of this mesh are its rectangles'
    # quarters, which the lumped node values integrate like the midpoint rule
    x = ufl.SpatialCoordinate(msh)
    V = compat.function_space(msh)
    f = fem.Function(V)
    f.interpolate(lambda p: 1.0 + 3.0 * p[0] - p[1])
    got = compat.assemble_scalar(fem.form(f * dxl), comm)
    exact = compat.assemble_scalar(fem.form((1.0 + 3.0 * x[0] - x[1]) * ufl.dx), comm)
    assert got == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("dim", [1, 3])
def test_intervals_and_tetrahedra_use_plain_vertex_quadrature(comm, dim):
    msh = (mesh.create_unit_interval(comm, 4) if dim == 1
           else mesh.create_unit_cube(comm, 2, 2, 2))
    assert isinstance(lumped_measure(msh), ufl.Measure)

