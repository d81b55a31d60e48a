"""Fuzz: measured I-V files for ``interphase validate --iv`` mutated (cells, digits, sizes,
encodings, scales), through reading and fitting. No traceback, no numpy warning, no hang; files
of a known-invalid kind (non-ASCII digits, ``1_0``, one voltage, drifting temperatures, binary)
are refused."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import FUZZ, outcome
from helpers import CASES
from solver.validation import read_iv, validate_iv

pytestmark = pytest.mark.serial

FILES = {name: (CASES / "data" / name).read_text().splitlines()
         for name in ("tio2_psi_diode_iv_T.csv", "si_pn_diode_300K.csv")}
CELLS = st.one_of(st.sampled_from(["", "nan", "inf", "1e999", "x", "0x1", "1e-400", "-", "1.2.3",
                                   "\x00", "１", "٣", "1_0", "1e308", "+", "e5", ".", "1e5e5"]),
                  st.text(max_size=12))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-iv")


def split(lines):
    head = [ln for ln in lines if ln.startswith("#")]
    rows = [ln for ln in lines if ln and not ln.startswith("#")]
    return head, rows[0], rows[1:]


def validate(path):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a warning printed to a user's terminal fails
            validate_iv(read_iv(path, area_cm2=0.01))

    return outcome(run)


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_mutated_measurements_never_traceback_warn_or_hang(folder, data):
    head, header, rows = split(FILES[data.draw(st.sampled_from(sorted(FILES)))])
    op = data.draw(st.sampled_from(["cells", "cells", "scale", "rows", "header"]))
    if op == "cells":
        for _ in range(data.draw(st.integers(1, 4))):
            k = data.draw(st.integers(0, len(rows) - 1))
            cells = rows[k].split(",")
            cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(CELLS)
            rows[k] = ",".join(cells)
    elif op == "scale":  # currents (or voltages) of any magnitude
        f = 10.0 ** data.draw(st.integers(-320, 300))
        col = data.draw(st.sampled_from([0, 1]))
        rows = [",".join(repr(float(c) * f) if j == col else c
                         for j, c in enumerate(r.split(","))) for r in rows]
    elif op == "rows":
        keep = data.draw(st.integers(0, 12))
        rows = rows[:keep] if data.draw(st.booleans()) else rows[::max(1, len(rows) // max(
            keep, 1))]
    else:
        header = data.draw(st.sampled_from(["voltage_V;current_A", "V (V), J (kA/cm2)", "",
                                            "voltage_V,voltage_mV,current_density_A_per_cm2",
                                            "voltage_V,current_A", "T (C),V (V),J (A/cm2)",
                                            "V (V),I (mA),T (K)"]))
    path = folder / "iv.csv"
    path.write_text("\n".join([*head, header, *rows]) + "\n")
    validate(path)


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_invalid_measurements_are_refused(folder, data):
    head, header, rows = split(FILES["tio2_psi_diode_iv_T.csv"])
    kind = data.draw(st.sampled_from(["digits", "underscore", "one_voltage", "drift",
                                      "binary"]), label="kind")
    k = data.draw(st.integers(0, len(rows) - 1))
    if kind == "digits":
        digits = data.draw(st.sampled_from(["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "۰۱۲۳۴۵۶۷۸۹"]))
        rows[k] = rows[k].translate(str.maketrans("0123456789", digits))
    elif kind == "underscore":
        cells = rows[k].split(",")
        cells[data.draw(st.integers(0, 1))] = data.draw(st.sampled_from(["1_0", "0.1_5",
                                                                         "1_000e-3"]))
        rows[k] = ",".join(cells)
    elif kind == "one_voltage":
        v = data.draw(st.sampled_from(["0.5", "-0.2", "1.0"]))
        rows = [",".join([v, *r.split(",")[1:]]) for r in rows]
    elif kind == "drift":  # 300 K drifting in steps below the grouping tolerance
        step = data.draw(st.floats(0.01, 0.49))
        rows = [",".join([*r.split(",")[:2], f"{300 + step * i:.4f}"])
                for i, r in enumerate(rows)]
    path = folder / "bad.csv"
    if kind == "binary":
        path.write_bytes(data.draw(st.binary(min_size=64, max_size=2000)) + b"\x00")
    else:
        path.write_text("\n".join([*head, header, *rows]) + "\n")
    assert validate(path) is not None, f"{kind} accepted"


def test_currents_of_any_magnitude_fit_the_same(folder):
    head, header, rows = split(FILES["si_pn_diode_300K.csv"])
    ns = []
    for f in (1.0, 1e-300, 1e280):
        scaled_rows = [",".join([r.split(",")[0], repr(float(r.split(",")[1]) * f),
                                 *r.split(",")[2:]]) for r in rows]
        path = folder / "scaled.csv"
        path.write_text("\n".join([*head, header, *scaled_rows]) + "\n")
        ns.append(validate_iv(read_iv(path))["fits"][0]["ideality_n"])
    np.testing.assert_allclose(ns, ns[0], rtol=1e-6)
