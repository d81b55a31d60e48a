"""Entry facets of an electrolyte: which facets, which boundary, which way the normal points."""

import numpy as np
import pytest

from solver.device.entry import _facet_normal, entry_facets


def unit_square_two_layers():
    """Four triangles of [0,2]x[0,1]: x < 1 is layer 0 (semiconductor), x > 1 layer 1."""
    X = np.array([
        [[0, 0], [1, 0], [0, 1]], [[1, 0], [1, 1], [0, 1]],   # layer 0
        [[1, 0], [2, 0], [1, 1]], [[2, 0], [2, 1], [1, 1]],   # layer 1 (electrolyte)
    ], dtype=float)
    return X, np.array([0, 0, 1, 1])


def test_interface_and_contact_facets_with_inward_normals():
    X, layer = unit_square_two_layers()
    contacts = {"right": np.array([[2.0, 0.0], [2.0, 1.0]]),
                "left": np.array([[0.0, 0.0], [0.0, 1.0]])}
    fc = entry_facets(X, layer, {1}, contacts, ["TiO2", "LLZTO"])
    got = {b: (c.tolist(), n.tolist(), m) for b, c, n, m in
           zip(fc["boundary"], fc["centre"], fc["normal"], fc["measure"])}
    assert sorted(got) == ["TiO2", "right"]  # the free top/bottom and the other layer's
    c, n, m = got["TiO2"]                      # contact are not entry facets
    assert c == pytest.approx([1.0, 0.5]) and n == pytest.approx([1.0, 0.0]) and m == 1.0
    c, n, m = got["right"]
    assert c == pytest.approx([2.0, 0.5]) and n == pytest.approx([-1.0, 0.0])


def test_no_electrolyte_no_facets():
    X, layer = unit_square_two_layers()
    fc = entry_facets(X, layer, set(), {}, ["a", "b"])
    assert len(fc["cell"]) == 0


def test_partition_order_does_not_matter():
    X, layer = unit_square_two_layers()
    perm = np.array([3, 1, 0, 2])
    fc = entry_facets(X[perm], layer[perm], {1}, {}, ["TiO2", "LLZTO"])
    assert fc["boundary"] == ["TiO2"] and layer[perm][fc["cell"][0]] == 1


def test_facet_normals_2d_and_3d():
    n, m = _facet_normal(np.array([[0.0, 0.0], [0.0, 2.0]]))
    assert abs(n @ [0, 1]) < 1e-15 and m == 2.0
    n, m = _facet_normal(np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]]))
    assert abs(abs(n[2]) - 1) < 1e-15 and m == 0.5
    with pytest.raises(ValueError, match="triangles or 3D tetrahedra"):
        _facet_normal(np.zeros((4, 3)))
