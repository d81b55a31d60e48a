"""Fuzz: .msh files (and their JSON sidecars) truncated, garbled or emptied, through ``check``'s
mesh step, which reads the file as ``run`` will. No traceback, no hang (a flipped byte in a
binary block count once made gmsh allocate 6 GB in 10 s); truncated meshes and empty
``$PhysicalNames`` are refused at check time."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import FUZZ, hostile, outcome
from helpers import CASES
from meshes import GENERATORS
from solver.case import load_case
from solver.geometry.check import check_mesh

pytestmark = pytest.mark.serial

CASE = (CASES / "onchip_2d.toml").read_text().replace(
    'generator = "onchip"', 'msh = "m.msh"').replace("parameters = {", "# parameters = {")


@pytest.fixture(scope="module")
def mesh(tmp_path_factory):
    """A small binary onchip mesh, its sidecar, and the same mesh as ASCII MSH 4.1."""
    import gmsh

    d = tmp_path_factory.mktemp("msh")
    GENERATORS["onchip"](d / "base.msh", h_min_nm=4.0, h_max_nm=100.0, die_width_nm=500.0)
    gmsh.initialize(readConfigFiles=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(str(d / "base.msh"))
        gmsh.option.setNumber("Mesh.Binary", 0)
        gmsh.write(str(d / "ascii.msh"))
    finally:
        gmsh.finalize()
    (d / "case.toml").write_text(CASE)
    return {"binary": (d / "base.msh").read_bytes(), "ascii": (d / "ascii.msh").read_bytes(),
            "sidecar": (d / "base.json").read_text(), "dir": d}


def check(mesh, msh, sidecar):
    d = mesh["dir"]
    (d / "m.msh").write_bytes(msh)
    side = d / "m.json"
    side.unlink(missing_ok=True)
    if sidecar is not None:
        side.write_text(sidecar)
    return outcome(lambda: check_mesh(load_case(d / "case.toml")))


def test_the_intact_files_pass(mesh):
    assert check(mesh, mesh["binary"], mesh["sidecar"]) is None
    assert check(mesh, mesh["ascii"], None) is None


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_truncated_meshes_are_refused_at_check_time(mesh, data):
    form = data.draw(st.sampled_from(["binary", "ascii"]))
    raw = mesh[form]
    cut = data.draw(st.integers(0, len(raw) - 40), label="cut")  # into $Elements at least
    sidecar = mesh["sidecar"] if data.draw(st.booleans()) else None
    assert check(mesh, raw[:cut], sidecar) is not None, f"{form} cut at {cut} accepted"


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_garbled_meshes_and_sidecars_never_traceback_or_hang(mesh, data):
    raw = bytearray(mesh[data.draw(st.sampled_from(["binary", "ascii"]))])
    op = data.draw(st.sampled_from(["bytes", "names0", "sidecar", "sidecar_json", "random"]))
    sidecar = mesh["sidecar"]
    if op == "bytes":
        for _ in range(data.draw(st.integers(1, 20))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif op == "names0":
        text = mesh["ascii"].decode()
        a, b = text.index("$PhysicalNames"), text.index("$EndPhysicalNames")
        raw = bytearray((text[:a] + "$PhysicalNames\n0\n" + text[b:]).encode())
        sidecar = None
        assert check(mesh, bytes(raw), sidecar) is not None
        return
    elif op == "sidecar":
        sidecar = data.draw(st.sampled_from(['{"physical_tags": 5}', "[1, 2]", "{", '"x"',
                                             '{"physical_tags": {"cells": 3}}', "null",
                                             '{"physical_tags": {"cells": {"n-TiO2": "a"}, '
                                             '"facets": {}}}', "[" * 5000]))
    elif op == "sidecar_json":
        meta = json.loads(sidecar)
        meta[data.draw(st.sampled_from(["physical_tags", "nodes", "dim"]))] = data.draw(hostile)
        sidecar = json.dumps(meta)
    else:
        raw = bytearray(data.draw(st.binary(max_size=3000)))
    check(mesh, bytes(raw), sidecar)


def test_a_corrupt_block_count_cannot_make_gmsh_run_away(mesh):
    """A binary element block claiming 2^40 elements: gmsh would allocate without bound; the
    check reads it in a child with bounded memory and refuses it within seconds."""
    import struct
    import time

    raw = bytearray(mesh["binary"])
    i = raw.index(b"$Elements\n") + len(b"$Elements\n") + 4 * 8  # after the section header
    raw[i + 12:i + 20] = struct.pack("<Q", 2**40)  # dim, tag, type (int32), then the count
    t0 = time.monotonic()
    message = check(mesh, bytes(raw), mesh["sidecar"])
    assert message is not None and "gmsh cannot read it" in message
    assert time.monotonic() - t0 < 30
