"""Study files: parsing, point generation and strict one-line errors."""

import pytest

from helpers import CASES, one_line_error
from solver.sweep import check_points, load_study

CASE = (CASES / "si_pn_diode.toml").as_posix()


@pytest.fixture
def study(tmp_path):
    counter = iter(range(1000))

    def _write(body: str, head: str = f'case = "{CASE}"\n') -> object:
        p = tmp_path / f"study{next(counter)}.toml"
        p.write_text(head + body)
        return p

    return _write


def error(path, *fragments):
    return one_line_error(lambda: check_points(load_study(path)), *fragments)


def test_grid_with_generators_and_nested_keys(study):
    s = load_study(study("""
ranks_per_point = 2
outputs = ["knee_voltage_V"]
[set]
study.kind = "equilibrium"
[grid]
temperature_K = { start = 250.0, stop = 350.0, step = 50.0 }
"layers.1.donors_cm3" = { start = 1e15, stop = 1e17, num = 3, log = true }
layers.0.acceptors_cm3 = [1e17, 1e18]
"""))
    assert s.design == "grid" and s.ranks_per_point == 2 and s.outputs == ("knee_voltage_V",)
    assert s.keys == ("temperature_K", "layers.1.donors_cm3", "layers.0.acceptors_cm3")
    assert len(s.points) == 3 * 3 * 2
    assert s.points[0] == {"temperature_K": 250.0, "layers.1.donors_cm3": 1e15,
                           "layers.0.acceptors_cm3": 1e17}
    assert s.points[1]["layers.0.acceptors_cm3"] == 1e18
    assert s.fixed == {"study.kind": "equilibrium"}
    assert s.sets(s.points[0]) == [
        "output.plots=false", "output.fields=false", 'study.kind="equilibrium"',
        "temperature_K=250.0", "layers.1.donors_cm3=1000000000000000.0",
        "layers.0.acceptors_cm3=1e+17"]
    check_points(s)


def test_range_table_in_set_is_a_value_and_list_design(study):
    s = load_study(study("""
plots = true
[set]
"study.voltages_V" = { start = 0.0, stop = 0.4, step = 0.2 }
[list]
temperature_K = [300.0, 350.0]
"solver.max_iterations" = [60, 1]
"""))
    assert s.fixed == {"study.voltages_V": {"start": 0.0, "stop": 0.4, "step": 0.2}}
    assert s.points == ({"temperature_K": 300.0, "solver.max_iterations": 60},
                        {"temperature_K": 350.0, "solver.max_iterations": 1})
    assert s.sets(s.points[1])[0] == "output.plots=true"
    check_points(s)


def test_sample_design(study):
    s = load_study(study("""
[sample]
method = "sobol"
n = 8
seed = 3
log = ["layers.1.donors_cm3"]
[sample.bounds]
temperature_K = [250.0, 400.0]
"layers.1.donors_cm3" = [1e15, 1e17]
"""))
    assert len(s.points) == 8 and s.design == "sample"
    assert s.points == load_study(s.path).points
    check_points(s)


def test_digest_ignores_comments_but_not_values(study):
    a = load_study(study("[grid]\ntemperature_K = [300.0]\n"))
    b = load_study(study("# comment\n[grid]\ntemperature_K = [300.0]  # K\n"))
    c = load_study(study("[grid]\ntemperature_K = [310.0]\n"))
    assert a.digest == b.digest != c.digest


@pytest.mark.parametrize("body, fragments", [
    ("rank_per_point = 2\n[grid]\ntemperature_K = [300.0]\n",
     ["rank_per_point", "unknown key", "did you mean 'ranks_per_point'"]),
    ("[grid]\ntemperature_K = []\n", ["grid.temperature_K", "empty list"]),
    ("[grid]\n", ["empty [grid]"]),
    ("[grid]\ntemperature_K = 300.0\n", ["grid.temperature_K", "expected [values]"]),
    ("[grid]\ntemperature_K = {start = 300.0, stop = 200.0}\n",
     ["exactly one of step or num"]),
    ("[grid]\ntemperature_K = {start = 300.0, stop = 400.0, num = 0}\n", ["must be > 0"]),
    ("[grid]\ntemperature_K = {start = 300.0, stop = 400.0, step = -1.0}\n", ["step must be > 0"]),
    ("[grid]\nx = {start = 0.0, stop = 4.0, num = 3, log = true}\n", ["log spacing"]),
    ("[list]\ntemperature_K = [300.0, 350.0]\n\"solver.max_iterations\" = [1]\n",
     ["one length", "temperature_K: 2"]),
    ("[list]\ntemperature_K = []\n", ["empty list"]),
    ("[sample]\nmethod = \"lhs\"\nn = 0\n[sample.bounds]\ntemperature_K = [250.0, 300.0]\n",
     ["sample.n", "must be > 0"]),
    ("[sample]\nmethod = \"lhc\"\nn = 4\n[sample.bounds]\ntemperature_K = [250.0, 300.0]\n",
     ["sample.method", "did you mean 'lhs'"]),
    ("[sample]\nmethod = \"lhs\"\nn = 4\nsed = 1\n[sample.bounds]\ntemperature_K = [1.0, 2.0]\n",
     ["sample.sed", "did you mean 'seed'"]),
    ("[sample]\nmethod = \"lhs\"\nn = 4\n[sample.bounds]\ntemperature_K = [300.0, 300.0]\n",
     ["empty range"]),
    ("[sample]\nmethod = \"lhs\"\nn = 4\nlog = [\"temperature\"]\n[sample.bounds]\n"
     "temperature_K = [250.0, 300.0]\n", ["has no bounds", "did you mean 'temperature_K'"]),
    ("[sample]\nmethod = \"lhs\"\nn = 4\nlog = [\"x\"]\n[sample.bounds]\nx = [-1.0, 1.0]\n",
     ["low > 0"]),
    ("[grid]\ntemperature_K = [300.0]\n[list]\ntemperature_K = [300.0]\n",
     ["exactly one of [grid], [list], [sample]"]),
    ("", ["exactly one of", "found none"]),
    ("[set]\ntemperature_K = 300.0\n[grid]\ntemperature_K = [300.0]\n",
     ["both swept and fixed"]),
    ("[set]\n\"study\" = {kind = \"iv\"}\n\"study.kind\" = \"iv\"\n[grid]\ntemperature_K = [1.0]\n",
     ["set.study.kind", "given twice"]),
    ("[grid]\n\"layers.0\" = [1]\n\"layers.0.donors_cm3\" = [1.0]\n", ["overlap"]),
    ("[grid]\n\"layers..x\" = [1]\n", ["empty part"]),
    ("ouputs = [\"x\"]\n[grid]\ntemperature_K = [300.0]\n", ["did you mean 'outputs'"]),
    ("ranks_per_point = 0\n[grid]\ntemperature_K = [300.0]\n", ["ranks_per_point", "> 0"]),
])
def test_study_errors(study, body, fragments):
    path = study(body)
    msg = error(path, *fragments)
    assert path.name in msg


def test_missing_and_bad_case_file(study, tmp_path):
    error(study("[grid]\ntemperature_K = [300.0]\n", head='case = "nope.toml"\n'),
          "no case file 'nope.toml'")
    error(study("[grid]\ntemperature_K = [300.0]\n", head=""), "case", "required key missing")
    error(tmp_path / "absent.toml", "cannot read study file")
    bad = tmp_path / "bad.toml"
    bad.write_text("case = \n")
    error(bad, "not valid TOML")


def test_swept_keys_are_checked_against_the_case(study):
    error(study('[grid]\n"layers.0.acceptor_cm3" = [1e17]\n'),
          "layers[0].acceptor_cm3", "did you mean 'acceptors_cm3'", "at the point")
    error(study('[grid]\ntemperature_K = [300.0, -5.0]\n'), "temperature_K=-5.0", "> 0")
    error(study('[grid]\n"layers.7.donors_cm3" = [1e17]\n'), "no item 7")
    error(study('[list]\n"physics.statistics" = ["boltzmann", "fermi"]\n'),
          "did you mean 'fermi-dirac'")
    error(study('[sample]\nmethod="lhs"\nn=3\n[sample.bounds]\n"layers.1.donors_cm3" = '
                '[-1e16, 1e16]\n'), "must be >= 0")
