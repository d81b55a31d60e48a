"""Every case in cases/ runs as a test; golden numbers (with tolerances) live in golden.json."""

import json
from pathlib import Path

import numpy as np
import pytest

from helpers import CASES
from solver.case import load_case
from solver.studies.runner import run_case

GOLDEN = json.loads((Path(__file__).with_name("golden.json")).read_text())
ALL_CASES = sorted(p.name for p in CASES.glob("*.toml"))


def lookup(summary, dotted):
    """``a.0.b`` -> summary["a"][0]["b"]; dict keys may contain dots (``"0.5"`` V biases)."""
    node, parts = summary, dotted.split(".")
    while parts:
        if isinstance(node, list):
            node = node[int(parts.pop(0))]
            continue
        for k in range(len(parts), 0, -1):  # longest key first
            key = ".".join(parts[:k])
            if key in node:
                node, parts = node[key], parts[k:]
                break
        else:
            raise KeyError(f"{dotted}: no key {parts[0]!r} among {sorted(node)}")
    return node


def test_every_case_has_golden_values():
    assert sorted(GOLDEN) == ALL_CASES


@pytest.mark.parametrize("name", ALL_CASES)
def test_case_runs_and_matches_golden(name, comm, shared_tmp):
    case = load_case(CASES / name, GOLDEN[name].get("sets", []))
    summary = run_case(case, shared_tmp / name, comm, command=["pytest", name])
    assert summary["status"] == "ok"
    for key, (value, rtol) in GOLDEN[name]["expect"].items():
        got = lookup(summary, key)
        assert got == pytest.approx(value, rel=rtol, abs=1e-300), key
    if comm.rank == 0:
        for f in GOLDEN[name].get("files", []):
            assert (shared_tmp / name / f).is_file(), f
        assert_field_files_whole_and_positive(shared_tmp / name)


def assert_field_files_whole_and_positive(out):
    """Every field file of a run is one grid listed by its PVD; no density is negative."""
    import meshio

    from solver.results.fields import read_pvd

    for pvd in out.rglob("*.pvd"):
        steps = read_pvd(pvd)
        assert steps, pvd
        for _, vtu in steps:
            m = meshio.read(vtu)
            assert len(m.cells) == 1, vtu
            dens = {k: v for k, v in m.point_data.items() if k.endswith("_cm3")}
            assert "n_cm3" in dens and "p_cm3" in dens, vtu
            for k, v in dens.items():
                assert np.all(np.isfinite(v)) and v.min() >= 0.0, (vtu, k, v.min())
