"""Impossible parameters raise one-line ValueErrors naming the parameter; CLI; determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

from meshes import GENERATORS
from meshes.__main__ import main
from meshes._common import graded_nodes

STACK = [("p-Si", 10.0), ("n-TiO2", 10.0)]
BAD = [
    ("onchip", {"pad_width_nm": 600.0, "die_width_nm": 500.0}, "pad_width_nm = 600 exceeds"),
    ("onchip", {"pad_width_nm": 500.0, "die_width_nm": 500.0}, "pad_width_nm"),
    ("onchip", {"tio2_thickness_nm": 0.0}, "tio2_thickness_nm"),
    ("onchip", {"si_thickness_nm": -1.0}, "si_thickness_nm"),
    ("onchip", {"die_width_nm": float("nan")}, "die_width_nm"),
    ("onchip", {"dim": 1}, "dim"),
    ("onchip", {"h_min_nm": 0.0}, "h_min_nm"),
    ("onchip", {"h_max_nm": 0.5}, "h_max_nm"),
    ("onchip", {"h_edge_nm": -2.0}, "h_edge_nm"),
    ("onchip", {"growth": 1.0}, "growth"),
    ("rough_interphase", {"roughness_amplitude_nm": -1.0}, "roughness_amplitude_nm"),
    ("rough_interphase", {"correlation_length_nm": 0.0}, "correlation_length_nm"),
    ("rough_interphase", {"llzto_thickness_nm": 50.0}, "llzto_thickness_nm"),
    ("rough_interphase", {"width_nm": 0.0}, "width_nm"),
    ("rough_interphase", {"offset": "diagonal"}, "offset"),
    ("rough_interphase", {"roughness_amplitude_nm": 150.0, "correlation_length_nm": 30.0,
                          "tio2_thickness_nm": 50.0}, "correlation_length_nm"),
    ("grain_boundary", {"gb_width_nm": 3000.0}, "gb_width_nm"),
    ("grain_boundary", {"gb_width_nm": 600.0, "gb_angle_deg": 0.0, "thickness_nm": 500.0},
     "gb_width_nm"),
    ("grain_boundary", {"gb_width_nm": 0.0}, "gb_width_nm"),
    ("grain_boundary", {"gb_angle_deg": 180.0}, "gb_angle_deg"),
    ("grain_boundary", {"thickness_nm": -5.0}, "thickness_nm"),
    ("extruded_stack", {"layers": []}, "layers"),
    ("extruded_stack", {"layers": [("a", 1.0), ("a", 2.0)]}, "layers"),
    ("extruded_stack", {"layers": [("a", 1.0), ("b", 0.0)]}, "thickness_nm"),
    ("extruded_stack", {"layers": "p-Si"}, "layers"),
    ("extruded_stack", {"layers": STACK, "x_nodes_nm": [0.0, 5.0, 15.0, 20.0]}, "x_nodes_nm"),
    ("extruded_stack", {"layers": STACK, "x_nodes_nm": [0.0, 10.0, 5.0, 20.0]}, "x_nodes_nm"),
    ("extruded_stack", {"layers": STACK, "x_nodes_nm": [0.0, 10.0, 19.0]}, "x_nodes_nm"),
    ("extruded_stack", {"layers": STACK, "x_nodes_nm": [1.0, 10.0, 20.0]}, "x_nodes_nm"),
    ("extruded_stack", {"layers": STACK, "ny": 0}, "ny"),
    ("extruded_stack", {"layers": STACK, "ny": 1.5}, "ny"),
    ("extruded_stack", {"layers": STACK, "width_nm": -5.0}, "width_nm"),
    ("extruded_stack", {"layers": STACK, "dim": 1}, "dim"),
    ("extruded_stack", {"layers": STACK, "contacts": ("left", "left")}, "contacts"),
    ("extruded_stack", {"layers": STACK, "contacts": ("p-Si", "right")}, "contacts"),
]


@pytest.mark.parametrize("name, kw, needle", BAD, ids=[f"{n}-{i}" for i, (n, _, _) in
                                                      enumerate(BAD)])
def test_impossible_parameters_raise(tmp_path, name, kw, needle):
    with pytest.raises(ValueError) as err:
        GENERATORS[name](tmp_path / "x.msh", **kw)
    msg = str(err.value)
    assert needle in msg and "\n" not in msg and ": " in msg
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_output_must_be_msh(tmp_path, name):
    kw = {"layers": STACK} if name == "extruded_stack" else {}
    with pytest.raises(ValueError, match="path"):
        GENERATORS[name](tmp_path / "x.vtk", **kw)


def test_same_seed_same_file(tmp_path):
    kw = {"die_width_nm": 300.0, "pad_width_nm": 100.0, "h_min_nm": 3.0}
    a = GENERATORS["onchip"](tmp_path / "a.msh", seed=1, **kw)
    b = GENERATORS["onchip"](tmp_path / "b.msh", seed=1, **kw)
    assert a == b
    assert (tmp_path / "a.msh").read_bytes() == (tmp_path / "b.msh").read_bytes()
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_graded_nodes():
    x = graded_nodes(50.0, 0.5, 5.0, 1.2)
    h = np.diff(x)
    assert x[0] == 0.0 and x[-1] == 50.0 and np.all(h > 0)
    assert h[0] <= 0.5 and h[-1] <= 0.5 and h.max() <= 5.0
    assert np.all(h[1:] / h[:-1] < 1.25) and np.all(h[:-1] / h[1:] < 1.25)
    one_sided = graded_nodes(50.0, 0.5, 5.0, 1.2, refine=(True, False))
    assert np.diff(one_sided)[0] <= 0.5 and np.diff(one_sided)[-1] > 2.0


def test_cli_writes_and_prints(tmp_path, capsys):
    out = tmp_path / "cli.msh"
    rc = main(["onchip", str(out), "--die_width_nm", "300", "--pad-width-nm=100", "h_min_nm=3",
               "--dim", "3"])
    assert rc == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.with_suffix(".json").read_text())
    assert printed["dim"] == 3 and printed["parameters"]["pad_width_nm"] == 100.0
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("x_nm\n0\n2.5\n10\n20\n")
    assert main(["extruded_stack", str(tmp_path / "e.msh"), "--layers", repr(STACK),
                 "--x_nodes_nm", f"@{nodes}", "--contacts", "('Al', 'Au')"]) == 0
    meta = json.loads(capsys.readouterr().out)
    assert meta["parameters"]["x_nodes_nm"] == [0.0, 2.5, 10.0, 20.0]
    assert meta["contacts"] == ["Al", "Au"]


@pytest.mark.parametrize("argv, needle", [
    (["onchip", "x.msh", "--pad_width_nm", "600", "--die_width_nm", "500"], "pad_width_nm"),
    (["onchip", "x.msh", "--padwidth", "6"], "unknown parameter"),
    (["nope", "x.msh"], "unknown generator"),
    (["onchip"], "usage"),
    (["onchip", "x.msh", "--dim"], "--dim needs a value"),
])
def test_cli_errors(tmp_path, capsys, argv, needle):
    argv = [a if a != "x.msh" else str(tmp_path / a) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("meshes: error: ") and needle in err and err.count("\n") == 1
