"""Every generator sizes its mesh before gmsh runs and refuses one above ``max_nodes``."""

import pytest

from meshes import GENERATORS
from meshes._common import MAX_NODES
from solver.case.schema import MAX_NODES as CASE_MAX_NODES

pytestmark = pytest.mark.serial

SMALL = [  # (generator, parameters): small meshes, a second each at most
    ("onchip", {"h_min_nm": 4.0, "h_max_nm": 100.0, "die_width_nm": 500.0}),
    ("onchip", {"h_min_nm": 2.0, "h_max_nm": 10.0, "tio2_thickness_nm": 100.0,
                "si_thickness_nm": 100.0, "die_width_nm": 500.0}),
    ("onchip", {"dim": 3, "pad_width_nm": 200.0, "die_width_nm": 400.0, "h_min_nm": 2.5,
                "h_max_nm": 100.0, "h_edge_nm": 25.0}),
    ("grain_boundary", {"thickness_nm": 500.0, "width_nm": 500.0, "gb_width_nm": 10.0,
                        "h_min_nm": 4.0, "h_max_nm": 50.0, "gb_angle_deg": 60.0}),
    ("rough_interphase", {"width_nm": 500.0, "llzto_thickness_nm": 500.0, "h_min_nm": 3.0,
                          "h_max_nm": 60.0}),
    ("extruded_stack", {"layers": [("p", 100.0), ("n", 100.0)], "ny": 3, "dim": 3}),
    ("rough_interphase", {"dim": 3, "width_nm": 300.0, "llzto_thickness_nm": 300.0,
                          "roughness_amplitude_nm": 20.0, "correlation_length_nm": 150.0,
                          "h_min_nm": 3.0, "h_max_nm": 60.0}),
    ("grain_network", {"thickness_nm": 200.0, "width_nm": 300.0, "grains": 5,
                       "gb_width_nm": 10.0, "h_min_nm": 5.0, "h_max_nm": 40.0}),
]


def estimated(name, params, tmp_path):
    """The generator's own estimate: what it says when the limit is too low (rough_interphase
    first refuses a profile of more samples than nodes allowed, grain_network fewer nodes than
    grains times levels, so their limit is 1000)."""
    limit = 1000 if name in ("rough_interphase", "grain_network") else 1
    with pytest.raises(ValueError, match="would have about") as exc:
        GENERATORS[name](tmp_path / "x.msh", max_nodes=limit, **params)
    assert not (tmp_path / "x.msh").exists()  # refused before gmsh wrote anything
    return float(str(exc.value).split("about ")[1].split(" nodes")[0])


@pytest.mark.parametrize(("name", "params"), SMALL)
def test_the_estimate_is_close_to_gmshs_count(name, params, tmp_path):
    est = estimated(name, params, tmp_path)
    meta = GENERATORS[name](tmp_path / "m.msh", **params)
    assert 0.8 <= est / meta["nodes"] <= 2.0, (est, meta["nodes"])


@pytest.mark.parametrize(("name", "params"), [
    ("onchip", {"h_min_nm": 1e-4}), ("onchip", {"die_width_nm": 1e8}),
    ("onchip", {"dim": 3, "h_min_nm": 0.05, "h_edge_nm": 0.2}),
    ("grain_boundary", {"h_min_nm": 1e-3}),
    ("rough_interphase", {"correlation_length_nm": 1e-3}),
    ("rough_interphase", {"dim": 3, "h_lateral_nm": 1e-2}),
    ("grain_network", {"h_min_nm": 1e-3}), ("grain_network", {"grains": 10**6,
                                                            "width_nm": 1e7}),
    ("extruded_stack", {"layers": [("p", 1e7)], "h_min_nm": 1e-3, "ny": 10**6}),
])
def test_runaway_meshes_are_refused_at_once(name, params, tmp_path):
    import time

    t0 = time.perf_counter()
    params = {"layers": [("p", 10.0)]} | params if name == "extruded_stack" else params
    with pytest.raises(ValueError, match="max_nodes"):
        GENERATORS[name](tmp_path / "x.msh", **params)
    assert time.perf_counter() - t0 < 5.0


def test_lengths_beyond_ten_centimetres_are_refused(tmp_path):
    with pytest.raises(ValueError, match="die_width_nm = 1e\\+12 is larger than 1e\\+08"):
        GENERATORS["onchip"](tmp_path / "x.msh", die_width_nm=1e12)


def test_the_generators_default_limit_is_the_cases():
    assert MAX_NODES == {d: CASE_MAX_NODES[d] for d in (2, 3)}
