"""Fuzz: study files of ``interphase sweep`` mutated, and misused (1e9-point grids, deep
nesting, devices as case files), through the sweep's validation (load + check the points)."""

import copy
import json
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import FUZZ, dump, hostile, leaves, outcome, parent_of
from helpers import CASES
from solver.sweep.study import check_points, load_study

pytestmark = pytest.mark.serial

CASE = json.dumps(str(CASES / "si_pn_diode.toml"))
BASE = tomllib.loads(f"""case = {CASE}
outputs = ["built_in_potential_V"]
[set]
"study.voltages_V" = [0.0, 0.1]
[grid]
temperature_K = {{ start = 280.0, stop = 320.0, step = 20.0 }}
"layers.1.donors_cm3" = {{ start = 1e15, stop = 1e17, num = 3, log = true }}
""")
MISUSE = [  # (study text, refused?)
    ("[grid]\ntemperature_K = {start = 0, stop = 1e9, step = 1}", True),
    ("[grid]\ntemperature_K = {start = 250, stop = 300, num = 1000000000}", True),
    ('[grid]\n"layers.0.donors_cm3" = {start = 1, stop = 2, num = 1000}\n'
     "temperature_K = {start = 250, stop = 300, num = 1000}", True),
    ('[sample]\nmethod = "lhs"\nn = 1000000000\n[sample.bounds]\ntemperature_K = [250, 300]',
     True),
    ("[list]\ntemperature_K = [1e-300, 1e300]", True),
    ("[grid]\ntemperature_K = {start = 250, stop = 1e300, step = 1e-300}", True),
    ("ranks_per_point = 99999999999\n[list]\ntemperature_K = [300]", True),
    ("[set]\nx = " + "{a = " * 60 + "1" + "}" * 60 + "\n[list]\ntemperature_K = [300]", True),
    ("[list]\ntemperature_K = [300, 310]", False),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-studies")


def sweep_check(path):
    return outcome(lambda: check_points(load_study(path)))


@pytest.mark.parametrize(("text", "refused"), MISUSE)
def test_study_misuse_is_refused_in_one_line(folder, text, refused):
    p = folder / "misuse.toml"
    p.write_text(f"case = {CASE}\n{text}\n")
    assert (sweep_check(p) is not None) == refused
    p.write_text('case = "/dev/zero"\n[list]\ntemperature_K = [300]\n')
    assert "no case file" in sweep_check(p)


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_mutated_study_files_never_traceback_or_hang(folder, data):
    doc = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 3))):
        path, _ = data.draw(st.sampled_from(list(leaves(doc))))
        parent = parent_of(doc, path)
        op = data.draw(st.sampled_from(["value", "delete", "add", "design"]))
        if op == "value":
            parent[path[-1]] = data.draw(hostile)
        elif op == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif op == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["num", "log", "x", "list", "sample", "n",
                                              "layers.0.x", "study.kind"]))] = data.draw(hostile)
        else:
            doc[data.draw(st.sampled_from(["grid", "list", "sample", "set"]))] = data.draw(
                st.one_of(hostile, st.just({"temperature_K": [300.0, 310.0]})))
    p = folder / "study.toml"
    p.write_text(dump(doc))
    sweep_check(p)
