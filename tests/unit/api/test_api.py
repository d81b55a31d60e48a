"""The Python API: cases from files or TOML text, overrides, results as arrays."""

import subprocess
import sys

import numpy as np
import pytest

from helpers import CASES, diode_toml, one_line_error
from solver.api.case import toml_literal
from solver.api.results import read_table


def test_import_interphase_loads_no_dolfinx():
    code = "import sys, interphase; print('dolfinx' in sys.modules, interphase.__version__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out[0] == "False" and out[1]


def test_load_case_from_file_and_text_and_overrides(tmp_path):
    import interphase

    spec = interphase.load_case(CASES / "si_pn_diode.toml")
    assert spec.case.layers[1].donors_cm3 if hasattr(spec.case.layers[1], "donors_cm3") else True
    text = interphase.load_case(diode_toml(NA=1e17, ND=1e16), base_dir=tmp_path)
    assert text.case.name == "diode" and not list(tmp_path.iterdir())  # temp file removed
    hot = text.with_({"temperature_K": [300.0, 350.0]}, layers__1__donors_cm3=2e16)
    assert hot.case.temperatures == (300.0, 350.0) or list(hot.case.temperatures) == [300, 350]
    assert hot.sets == ("temperature_K=[300.0, 350.0]", "layers.1.donors_cm3=2e+16")
    assert text.sets == ()  # the original is unchanged
    one_line_error(lambda: text.with_(layers__0__thickness_mn=5.0), "thickness_mn")
    one_line_error(lambda: interphase.load_case("no/such/case.toml"), "no such case file")


def test_toml_literals():
    assert toml_literal(True) == "true" and toml_literal(3) == "3"
    assert toml_literal(np.float64(0.5)) == "0.5" and toml_literal("a\"b") == '"a\\"b"'
    assert toml_literal({"start": 0, "stop": 1.0}) == '{"start" = 0, "stop" = 1.0}'
    assert toml_literal(np.array([1.0, 2.0])) == "[1.0, 2.0]"
    one_line_error(lambda: toml_literal(float("nan")), "finite")
    one_line_error(lambda: toml_literal(None), "no TOML form")


def test_read_table_numbers_and_text(tmp_path):
    (tmp_path / "t.csv").write_text("x_nm,layer\n1.5,p\n2.5,n\n")
    t = read_table(tmp_path / "t.csv")
    assert t["x_nm"].tolist() == [1.5, 2.5] and t["layer"].tolist() == ["p", "n"]


def test_run_returns_arrays_and_keeps_no_files(comm, tmp_path):
    import interphase

    case = interphase.load_case(CASES / "si_pn_diode.toml").with_(
        {"study.voltages_V": [0.0, 0.3]}, output__plots=False, output__fields=False)
    res = interphase.run(case, comm=comm)
    assert res.out is None and res.status == "ok"
    assert res.iv["voltage_V"].tolist() == [0.0, 0.3]
    assert res.iv["current_density_A_per_cm2"][1] > 0
    assert set(res.band_diagram["layer"]) == {"p", "n"}
    with pytest.raises(KeyError, match=r"no table 'leakage'.*band_diagram"):
        res.leakage  # noqa: B018


def test_readme_documents_every_public_name():
    import interphase
    from helpers import ROOT

    text = (ROOT / "README.md").read_text()
    section = text.split("## Python API")[1].split("\n## ")[0]
    for name in interphase.__all__:
        if name != "__version__":
            assert f"`{name}" in section, name
