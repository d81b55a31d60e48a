"""Fuzz: case files mutated in values, keys and structure, through ``interphase check``'s code
path (load, then the mesh step), in process. No traceback, no hang, no invalid case accepted."""

import copy
import math
import tempfile
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import FUZZ, base_documents, dump, hostile, leaves, outcome, parent_of, scaled
from helpers import CASES
from solver.case import load_case
from solver.case import schema as S
from solver.geometry.check import check_mesh
from solver.materials.library import LIMITS as MATERIAL_LIMITS

pytestmark = pytest.mark.serial

DOCS = base_documents()
KEYS = sorted({k for spec in S.SECTIONS.values() for k in spec} | {"x", "thickness_mn", ""})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-cases")


def write(folder, text):
    path = folder / "case.toml"
    path.write_text(text)
    return path


def check(path, sets=()):
    """``interphase check``: None if accepted, else the one-line error."""
    return outcome(lambda: check_mesh(load_case(path, sets)))


def mutate(data, doc):
    """One to three random edits of a parsed document: values, keys, structure."""
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path, value = data.draw(st.sampled_from(list(leaves(doc))), label="leaf")
        if not path:
            continue
        parent = parent_of(doc, path)
        op = data.draw(st.sampled_from(["value", "scale", "delete", "add", "nest", "retype"]))
        if op == "value":
            parent[path[-1]] = data.draw(hostile, label="value")
        elif op == "scale":
            parent[path[-1]] = scaled(value, data.draw(st.sampled_from([-320, -30, -6, 6, 30,
                                                                        300])))
        elif op == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif op == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(KEYS))] = data.draw(hostile, label="added")
        elif op == "nest":
            parent[path[-1]] = {"a": {"b": value}} if data.draw(st.booleans()) else [value] * 3
        else:
            top = data.draw(st.sampled_from(list(doc)))
            doc[top] = data.draw(st.one_of(hostile, st.just([doc[top], doc[top]])))
    return doc


@settings(FUZZ, max_examples=700)
@given(data=st.data())
def test_mutated_case_documents_never_traceback_or_hang(folder, data):
    name = data.draw(st.sampled_from(sorted(DOCS)), label="case")
    doc = mutate(data, copy.deepcopy(DOCS[name]))
    check(write(folder, dump(doc)))


GARBLE = ["1e999", "-0.0", "nan", "inf", '"a\\nb"', "[]", "{}", "1_0", "0x10", "1e-320",
          "99999999999999999999", "{a = " * 60 + "1" + "}" * 60, "[" * 600 + "]" * 600, "'",
          '"""', "[[layers]]", "[study]", "[materials.Si]\nEg_eV = -1", "[mesh]\nmax_nodes = 5"]


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_garbled_case_text_never_tracebacks_or_hangs(folder, data):
    name = data.draw(st.sampled_from(sorted(DOCS)), label="case")
    lines = (CASES / name).read_text().splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["value", "cut", "delete", "insert", "text"]))
        if op == "value" and "=" in lines[i]:
            lines[i] = lines[i].split("=")[0] + "= " + data.draw(st.sampled_from(GARBLE))
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        elif op == "delete":
            del lines[i]
        elif op == "insert":
            lines.insert(i, data.draw(st.sampled_from(GARBLE)))
        else:
            lines[i] = data.draw(st.text(max_size=30))
    check(write(folder, "\n".join(lines)))


def _limited():
    """(section, key, Key) of every number key with a physical range."""
    out = []
    for section, spec in S.SECTIONS.items():
        for k, key in spec.items():
            if key.limits is not None and key.kind in ("number", "numbers", "range", "int"):
                out.append((section, k, key))
    return out


LIMITED = _limited()


def outside(key):
    lo, hi = key.limits
    if key.kind == "int":
        return st.one_of(st.integers(max_value=int(lo) - 1), st.integers(min_value=int(hi) + 1))
    return st.one_of(st.floats(max_value=lo, exclude_max=True, allow_nan=False),
                     st.floats(min_value=hi, exclude_min=True, allow_nan=False),
                     st.just(math.nan))


def place(doc, section, k, value):
    where = {"": doc, "layers[]": doc["layers"][0], "contacts.NAME": doc["contacts"]["left"],
             "study": doc["study"]}.get(section)
    if where is None:
        where = doc.setdefault(section, {})
    where[k] = value


@settings(FUZZ, max_examples=400)
@given(data=st.data())
def test_every_value_outside_its_physical_range_is_refused(folder, data):
    section, k, key = data.draw(st.sampled_from(LIMITED), label="key")
    value = data.draw(outside(key), label="value")
    if key.kind in ("numbers", "range") and data.draw(st.booleans()):
        value = [1.0, value] if key.limits[0] <= 1.0 <= key.limits[1] else [value]
    doc = copy.deepcopy(DOCS["si_pn_diode.toml"])
    place(doc, section, k, value)
    message = check(write(folder, dump(doc)))
    assert message is not None, f"{section} {k} = {value!r} accepted"
    assert k in message


MATERIAL_OF = {"sigma_e_S_per_cm": "LLZTO", "sigma_e_activation_eV": "LLZTO",
               "site_density_cm3": "LLZTO", "electronic_donors_cm3": "LLZTO",
               "stern_capacitance_uF_per_cm2": "LLZTO", "workfunction_eV": "Au",
               "concentration_cm3": "LLZTO.ions.Li", "D_cm2_per_s": "LLZTO.ions.Li",
               "activation_eV": "LLZTO.ions.Li"}


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_every_material_value_outside_its_range_is_refused(folder, data):
    k = data.draw(st.sampled_from(sorted(MATERIAL_LIMITS)), label="key")
    lo, hi = MATERIAL_LIMITS[k]
    value = data.draw(st.one_of(st.floats(max_value=lo, exclude_max=True, allow_nan=False),
                                st.floats(min_value=hi, exclude_min=True, allow_nan=False),
                                st.integers(min_value=10**301), st.just(math.nan)))
    target = MATERIAL_OF.get(k, "Si")
    doc = copy.deepcopy(DOCS["pellet_bare.toml" if target != "Si" else "si_pn_diode.toml"])
    node = doc.setdefault("materials", {})
    for part in target.split("."):
        node = node.setdefault(part, {})
    node[k] = value
    message = check(write(folder, dump(doc)))
    assert message is not None, f"materials.{target}.{k} = {value!r} accepted"
    assert k in message


@settings(FUZZ, max_examples=40)
@given(T=st.floats(min_value=1.0, max_value=15.0))
def test_temperatures_a_material_cannot_take_are_refused(folder, T):
    doc = copy.deepcopy(DOCS["si_pn_diode.toml"])
    doc["temperature_K"] = T  # n_i of Si underflows double precision below ~17 K
    message = check(write(folder, dump(doc)))
    assert message is not None and "temperature_K" in message and "lowest" in message


MESHED = {f: tomllib.loads((CASES / f).read_text()) for f in ("onchip_2d.toml",
                                                              "grain_boundary_2d.toml")}


@pytest.fixture(scope="module")
def private_tmp(tmp_path_factory):
    """Generated meshes go here (to count the interphase-mesh-* folders left behind)."""
    old = tempfile.tempdir
    tempfile.tempdir = str(tmp_path_factory.mktemp("tmpdir"))
    yield tempfile.tempdir
    tempfile.tempdir = old


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_generator_parameters_never_traceback_hang_or_run_away(folder, private_tmp, data):
    name = data.draw(st.sampled_from(sorted(MESHED)), label="case")
    doc = copy.deepcopy(MESHED[name])
    params = doc["geometry"]["parameters"]
    k = data.draw(st.sampled_from([*sorted(params), "seed", "growth", "max_nodes", "x"]))
    bad = data.draw(st.booleans(), label="runaway")
    if bad:  # a mesh no machine holds, or a die larger than 10 cm: must be refused
        value = data.draw(st.sampled_from([1e-5, 1e-4, 1e9, 1e12, 1e30]))
        k = "h_min_nm" if value < 1 else data.draw(st.sampled_from(
            ["die_width_nm", "width_nm"] if name == "onchip_2d.toml" else ["width_nm"]))
        if name == "onchip_2d.toml" and k == "width_nm":
            k = "die_width_nm"
    else:
        value = data.draw(st.one_of(hostile, st.sampled_from([0.5, 3.0, 1e3, -1.0, 0.0])))
    params[k] = value
    message = check(write(folder, dump(doc)))
    if bad:
        assert message is not None, f"{name}: {k} = {value!r} accepted"
    import pathlib

    assert list(pathlib.Path(private_tmp).glob("interphase-mesh-*")) == []
