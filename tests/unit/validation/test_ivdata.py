"""Reader of measured I-V(T) CSV files: header formats, unit conversions and one-line errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from solver.errors import CaseError
from solver.validation.ivdata import IVData, read_iv

ROWS = [(0.2, 2.0, 300.0), (-0.2, -1.0, 300.0), (0.0, 0.0, 300.0), (0.4, 8.0, 300.0),
        (0.6, 20.0, 300.0)]


def _write(tmp_path: Path, text: str, name: str = "iv.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def _csv(header: str, rows=ROWS) -> str:
    return header + "\n" + "\n".join(",".join(f"{x:g}" for x in r) for r in rows) + "\n"


def test_si_header_sorted_by_voltage(tmp_path):
    d = read_iv(_write(tmp_path, _csv("voltage_V,current_density_A_per_m2,temperature_K")))
    assert isinstance(d, IVData) and d.temperatures_K == (300.0,)
    c = d.curves[0]
    np.testing.assert_array_equal(c.V, [-0.2, 0.0, 0.2, 0.4, 0.6])
    np.testing.assert_array_equal(c.J, [-1.0, 0.0, 2.0, 8.0, 20.0])
    assert dict(d.columns) == {"voltage": "voltage_V", "temperature": "temperature_K",
                               "current_density": "current_density_A_per_m2"}


def test_unit_conversions_mV_mA_per_cm2_celsius(tmp_path):
    d = read_iv(_write(tmp_path, _csv("voltage_mV,current_density_mA_per_cm2,temperature_C")))
    c = d.curves[0]
    assert c.T_K == pytest.approx(573.15)
    np.testing.assert_allclose(c.V, [-0.2e-3, 0.0, 0.2e-3, 0.4e-3, 0.6e-3])
    np.testing.assert_allclose(c.J, [-10.0, 0.0, 20.0, 80.0, 200.0])  # 1 mA/cm2 = 10 A/m2


@pytest.mark.parametrize(("header", "factor"), [
    ("V (V), J (A/cm2), T (K)", 1e4),
    ("Voltage [V],Current density [mA/cm^2],Temp [K]", 10.0),
    ("bias_V,J_uA_per_cm2,t_K", 1e-2),
    ("U (V),j (nA cm-2),temperature (K)", 1e-5),
    ("v_V,current_A_per_cm2,T_K", 1e4),
    ("V (V),J (A/m²),T (K)", 1.0),
])
def test_header_spellings(tmp_path, header, factor):
    c = read_iv(_write(tmp_path, _csv(header))).curves[0]
    np.testing.assert_allclose(c.J, np.array([-1.0, 0.0, 2.0, 8.0, 20.0]) * factor)
    assert c.T_K == 300.0


@pytest.mark.parametrize(("unit", "factor"), [("A", 1.0), ("mA", 1e-3), ("uA", 1e-6),
                                              ("nA", 1e-9)])
def test_current_with_area(tmp_path, unit, factor):
    p = _write(tmp_path, _csv(f"voltage_V,current_{unit},temperature_K"))
    d = read_iv(p, area_cm2=0.01)
    c = d.curves[0]
    assert d.area_cm2 == 0.01
    np.testing.assert_allclose(c.J, np.array([-1.0, 0.0, 2.0, 8.0, 20.0]) * factor / 1e-6)


def test_temperature_optional_and_comments(tmp_path):
    rows = [r[:2] for r in ROWS]
    p = _write(tmp_path, "# synthetic\n\n# second comment\n" + _csv("V (V),I (mA)", rows))
    d = read_iv(p, area_cm2=1.0)
    assert d.temperatures_K == (300.0,)
    assert d.comments == ("synthetic", "second comment")
    assert read_iv(p, area_cm2=1.0, temperature_K=250.0).temperatures_K == (250.0,)


def test_groups_temperatures_and_ignores_other_columns(tmp_path):
    rows = [(v, 1.0 + v, 250.1 if k % 2 else 249.9, 7) for k, v in enumerate(np.arange(-2, 4))]
    rows += [(v, 2.0 + v, 300.0, 7) for v in (0.3, 0.1, 0.2, 0.5, 0.4)]
    d = read_iv(_write(tmp_path, _csv("voltage_V,J (A/m2),temperature_K,sample", rows)))
    assert d.temperatures_K == pytest.approx((250.0, 300.0))
    assert d.curves[0].V.size == 6 and np.all(np.diff(d.curves[1].V) > 0)


def test_frozen_and_read_only(tmp_path):
    d = read_iv(_write(tmp_path, _csv("voltage_V,current_density_A_per_m2,temperature_K")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.curves[0].T_K = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        d.curves[0].J[0] = 1.0


GOOD = "voltage_V,current_density_A_per_cm2,temperature_K"
ERRORS = [
    # (file text, keyword arguments, column named in the message, phrase in the message)
    (_csv("current_A,temperature_K", [r[1:] for r in ROWS]), {}, "voltage", "missing voltage"),
    (_csv("voltage_V,temperature_K", [r[::2] for r in ROWS]), {}, "current", "missing current"),
    (_csv("voltage_kV,current_A,temperature_K"), {"area_cm2": 1}, "voltage_kV",
     "unknown voltage unit 'kV' (known: V, mV)"),
    (_csv("voltage_V,J (A/ft2),T (K)"), {}, "J (A/ft2)", "unknown current"),
    (_csv("voltage_V,current_A,temperature_F"), {"area_cm2": 1}, "temperature_F",
     "unknown temperature unit 'F'"),
    (_csv("voltage,current_A,temperature_K"), {"area_cm2": 1}, "voltage", "no unit"),
    (_csv("V (V),J (mA),T (K)"), {}, "J (mA)", "not a current density"),
    (_csv("voltage_V,current_A,J (A/cm2),temperature_K",
          [(*r[:2], 1.0, r[2]) for r in ROWS]), {"area_cm2": 1}, "J (A/cm2)", "second current"),
    (_csv("voltage_mA,current_A,current_mA", ROWS), {"area_cm2": 1}, "voltage_mA", "unknown volt"),
    (_csv("voltage_V,voltage_mV,current_density_A_per_cm2", ROWS), {}, "voltage_mV", "second volt"),
    (GOOD + "\n0.1,1e-3,300\n0.2,abc,300\n0.3,1e-2,300\n", {}, "current_density_A_per_cm2",
     "line 3: 'abc' is not a number"),
    (GOOD + "\n0.1,1e-3,300\n0.2,2e-3 A,300\n0.3,1e-2,300\n", {}, "current_density_A_per_cm2",
     "'2e-3 A' is not a number (units belong in the header only)"),
    (GOOD + "\n0.1,1e-3,300\n0.2,,300\n0.3,1e-2,300\n", {}, "current_density_A_per_cm2",
     "line 3: empty cell"),
    (GOOD + "\n0.1,1e-3,300\n0.2,nan,300\n0.3,1e-2,300\n", {}, "current_density_A_per_cm2",
     "non-finite"),
    (GOOD + "\n0.1,1e-3,300\n0.2,1e-3,300\ninf,1e-2,300\n", {}, "voltage_V", "non-finite"),
    (GOOD + "\n0.1,1e-3,300\n", {}, "temperature_K", "only 1 distinct voltage at"),
    (GOOD + "".join(f"\n0.{k},1e-3,300" for k in range(1, 6)) + "\n0.1,1e-3,350\n0.2,1e-3,350"
     "\n0.2,2e-3,350\n", {}, "temperature_K", "only 2 distinct voltages at T = 350 K"),
    (GOOD + "".join(f"\n0.{k},1e-3,300" for k in range(1, 6)) + "\n0.5,1e-3,300.4\n0.6,1e-3,"
     "300.8\n", {}, "temperature_K", "drift from 300 K (line 2) to 300.8 K (line 8)"),
    (GOOD + "\n0.1,1e-3,300\n0.2,1_0,300\n", {}, "current_density_A_per_cm2",
     "line 3: '1_0' is not a number"),
    (GOOD + "\n0.1,1e-3,300\n\u0661\u0662,1e-3,300\n", {}, "voltage_V",
     "line 3: '\u0661\u0662' is not a number (ASCII digits"),
    (GOOD + "\n0.1,1e-3,300\n2e4,1e-3,300\n", {}, "voltage_V", "line 3: |V| = 20000 V"),
    (GOOD + "\n0.1,1e-3,300\n0.2," + "9" * 20000 + ",300\n", {}, None,
     "line 3 has 20,008 characters"),
    ("voltage_V,current_A\n\x00\x01\x02\n", {}, None, "a binary file"),
    (_csv("voltage_V,current_mA,temperature_K"), {}, "current_mA", "no area"),
    (_csv("voltage_V,current_mA,temperature_K"), {"area_cm2": 0.0}, "current_mA", "area must"),
    (_csv(GOOD), {"temperature_K": 300.0}, "temperature_K", "has a temperature column"),
    (_csv(GOOD, [(0.1, 1.0, -5.0)] * 3), {}, "temperature_K", "must lie in (0, 5000] K"),
    (_csv(GOOD, [(0.1, 1.0, 1e4)] * 3), {}, "temperature_K", "got 10000 K"),
    (GOOD + "\n0.1,1e-3\n", {}, None, "line 2: 2 cells"),
    ("0.1,1e-3,300\n0.2,1e-3,300\n", {}, None, "no header row"),
    ("# only a comment\n", {}, None, "no header"),
]


@pytest.mark.parametrize(("text", "kwargs", "column", "phrase"), ERRORS)
def test_errors_are_one_line_case_errors(tmp_path, text, kwargs, column, phrase):
    p = _write(tmp_path, text)
    with pytest.raises(CaseError) as info:
        read_iv(p, **kwargs)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{p}: ")
    assert info.value.file == str(p)
    if column is not None:
        assert info.value.key == column and f": {column}: " in msg
    assert phrase in msg


def test_missing_file_devices_and_huge_files(tmp_path):
    with pytest.raises(CaseError, match=r"cannot read the file \(no such file"):
        read_iv(tmp_path / "absent.csv")
    with pytest.raises(CaseError, match="not a regular file"):
        read_iv("/dev/zero")
    with pytest.raises(CaseError, match="not a regular file"):
        read_iv(tmp_path)
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(21 << 20)
    with pytest.raises(CaseError, match=r"the file has 21\.0 MB; at most 20 MB"):
        read_iv(big)
