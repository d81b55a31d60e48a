"""The results store: manifest and study changes, records, claims, table, status (no MPI)."""

import csv
import json
import os

import pytest

from helpers import CASES
from solver.errors import CaseError
from solver.sweep import load_study
from solver.sweep.overview import format_status
from solver.sweep.status import status_counts
from solver.sweep.store import Claimer, Store
from solver.sweep.table import (
    build_table,
    default_outputs,
    lookup,
    read_table_csv,
    select_outputs,
    write_table_csv,
    write_table_h5,
)

STUDY = f"""case = "{(CASES / 'si_pn_diode.toml').as_posix()}"
[grid]
temperature_K = [300.0, 350.0]
"layers.1.donors_cm3" = [1e16, 1e17]
"""


@pytest.fixture
def study(tmp_path):
    p = tmp_path / "study.toml"
    p.write_text(STUDY)
    return load_study(p)


def record(manifest, pid, status="ok", **outputs):
    return {"id": pid, "study_sha256": manifest["study_sha256"], "status": status,
            "inputs": {}, "reason": None if status == "ok" else "DIVERGED_MAX_IT somewhere",
            "petsc_reason": None if status == "ok" else "DIVERGED_MAX_IT",
            "outputs": outputs, "n_ranks": 1, "timings": {"wall_s": 0.5}}


def test_manifest_created_then_reused_and_changed_study_is_an_error(study, tmp_path):
    store = Store(tmp_path / "out")
    m = store.open(study)
    store.close()
    assert [p["id"] for p in m["points"]] == ["p0000", "p0001", "p0002", "p0003"]
    assert m["points"][1]["inputs"] == {"temperature_K": 300.0, "layers.1.donors_cm3": 1e17}
    assert (tmp_path / "out" / "inputs" / "study.toml").read_text() == STUDY
    store.write_record(record(m, "p0001", x=1.0))
    again = Store(tmp_path / "out")
    assert again.open(study) == m
    again.close()
    assert set(again.finished(m)) == {"p0001"}
    study.path.write_text(STUDY.replace("350.0", "360.0"))
    changed = load_study(study.path)
    with pytest.raises(CaseError) as exc:
        Store(tmp_path / "out").open(changed)
    assert "--restart" in str(exc.value) and "1 finished points" in str(exc.value)
    fresh = Store(tmp_path / "out")
    m2 = fresh.open(changed, restart=True)
    fresh.close()
    assert m2["study_sha256"] == changed.digest and fresh.finished(m2) == {}
    assert not (tmp_path / "out" / "records").exists()


def test_second_sweep_on_the_same_folder_is_refused(study, tmp_path):
    a = Store(tmp_path / "out")
    a.open(study)
    with pytest.raises(CaseError, match="another sweep is running"):
        Store(tmp_path / "out").open(study)
    a.close()
    b = Store(tmp_path / "out")
    b.open(study)
    b.close()


def test_invalid_records_count_as_pending(study, tmp_path):
    store = Store(tmp_path / "out")
    m = store.open(study)
    store.close()
    store.write_record(record(m, "p0000"))
    bad = record(m, "p0001")
    bad["study_sha256"] = "other"
    store.write_record(bad)
    store.write_record({**record(m, "p0002"), "status": "running"})
    (store.records / "p0003.json").write_text('{"id": "p0003", "sta')  # torn (not atomic)
    (store.records / ".p0003.json.x1.tmp").write_text("{")  # killed while writing
    assert set(store.finished(m)) == {"p0000"}
    assert store.read_record("p0000", m["study_sha256"])["status"] == "ok"
    assert store.read_record("p0009", m["study_sha256"]) is None
    store.remove_temporaries()
    assert sorted(os.listdir(store.records)) == [f"p000{i}.json" for i in range(4)]


def test_claims_are_exclusive_and_walk_in_order(study, tmp_path):
    store = Store(tmp_path / "out")
    store.open(study)
    store.new_run("r1")
    pending = ["p0000", "p0001", "p0002"]
    a = Claimer(store, "r1", pending, {"group": 0})
    b = Claimer(store, "r1", pending, {"group": 1})
    assert [a.next(), b.next(), b.next(), a.next(), b.next()] == [
        "p0000", "p0001", "p0002", None, None]
    assert store.current_claims()["p0001"]["group"] == 1
    store.new_run("r2")  # a new run forgets the dead run's claims
    assert store.current_claims() == {}
    assert Claimer(store, "r2", pending, {}).next() == "p0000"
    store.close()


def test_clear_point_removes_partial_outputs(tmp_path):
    store = Store(tmp_path)
    (store.point_dir("p0002") / "sub").mkdir(parents=True)
    (store.point_dir("p0002") / "iv.csv").write_text("half")
    store.clear_point("p0002")
    assert not store.point_dir("p0002").exists()
    store.clear_point("p0002")


SUMMARY = {"case": "d", "study": "iv", "temperature_K": 300.0, "built_in_potential_V": 0.7,
           "band_bending_V": {"p": 0.1, "n-Si": 0.6}, "rectification_ratio": {"0.5": 1e5, "1": 2e6},
           "knee": {"method": "inflexion", "knee_voltage_V": 0.6}, "knee_voltage_V": 0.6,
           "iv": {"voltage_V": [0.0, 0.1]}, "status": "ok", "ideality_factor": float("nan"),
           "junctions": [{"left": "p", "potential_step_V": 0.69}], "per_temperature": [{}],
           "provenance": {"mpi_size": 1}, "newton_iterations": 3, "flag": True}


def test_default_outputs_are_the_numbers():
    out = default_outputs(SUMMARY)
    assert list(out) == ["temperature_K", "built_in_potential_V", "band_bending_V.p",
                         "band_bending_V.n-Si", "rectification_ratio.0.5", "rectification_ratio.1",
                         "knee_voltage_V", "ideality_factor", "junctions.0.potential_step_V",
                         "newton_iterations"]


def test_lookup_paths():
    assert lookup(SUMMARY, "rectification_ratio.0.5") == 1e5
    assert lookup(SUMMARY, "rectification_ratio.1") == 2e6
    assert lookup(SUMMARY, "iv.voltage_V.1") == 0.1
    assert lookup(SUMMARY, "iv.voltage_V.-1") == 0.1
    assert lookup(SUMMARY, "iv.voltage_V") == [0.0, 0.1]
    assert lookup(SUMMARY, "iv.voltage_V.7") is None
    assert lookup(SUMMARY, "nothing.here") is None
    assert lookup(SUMMARY, "knee_voltage_V.x") is None
    assert select_outputs(SUMMARY, ["knee.method", "x"]) == {"knee.method": "inflexion",
                                                             "x": None}


def test_table_rows_in_point_order_with_exact_floats(study, tmp_path):
    store = Store(tmp_path / "out")
    m = store.open(study)
    store.close()
    recs = {"p0002": record(m, "p0002", temperature_K=350.0, a=0.1 + 0.2),
            "p0000": record(m, "p0000", temperature_K=300.0, a=1 / 3, b=[1, 2]),
            "p0001": record(m, "p0001", "failed"),
            "p0003": record(m, "p0003", a=float("nan"))}
    columns, rows = build_table(m, recs)
    assert columns == ["id", "temperature_K", "layers.1.donors_cm3", "status", "reason",
                       "petsc_reason", "output.temperature_K", "a", "b", "n_ranks",
                       "wall_time_s"]
    assert [r[0] for r in rows] == ["p0000", "p0001", "p0002", "p0003"]
    write_table_csv(tmp_path / "t.csv", columns, rows)
    back = read_table_csv(tmp_path / "t.csv")
    assert "wall_time_s" not in back[0]
    assert float(back[0]["a"]) == 1 / 3 and float(back[2]["a"]) == 0.1 + 0.2
    assert back[0]["b"] == "[1,2]" and back[1]["status"] == "failed"
    assert back[1]["petsc_reason"] == "DIVERGED_MAX_IT" and back[1]["a"] == ""
    assert back[3]["a"] == "nan"
    with open(tmp_path / "t.csv") as fh:
        assert next(csv.reader(fh)) == columns
    write_table_h5(tmp_path / "t.h5", columns, rows, {"study_sha256": m["study_sha256"]})
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "t.h5") as h5:
        g = h5["table"]
        assert json.loads(g.attrs["columns"]) == columns
        assert g["a"][0] == 1 / 3 and g["a"].dtype.kind == "f"
        assert g["n_ranks"].dtype.kind == "i"
        assert g["status"][1].decode() == "failed"
        assert g["layers.1.donors_cm3"][3] == 1e17
    assert os.listdir(tmp_path).count("t.h5") == 1


def test_status_report(study, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(CaseError, match="no sweep here"):
        format_status(out)
    store = Store(out)
    m = store.open(study)
    store.close()
    store.new_run("r1")
    store.try_claim("r1", "p0002", {"host": "h", "pid": 7})
    store.write_record(record(m, "p0000"))
    store.write_record(record(m, "p0001", "failed"))
    st = status_counts(out)
    assert st["ok"] == ["p0000"] and st["failed"] == ["p0001"]
    assert st["pending"] == ["p0002", "p0003"] and st["claimed"] == ["p0002"]
    text = format_status(out)
    assert "4 points: 1 done (1 ok, 0 incomplete), 1 failed, 2 pending" in text
    assert "p0001 (temperature_K=300.0, layers.1.donors_cm3=1e+17) [DIVERGED_MAX_IT]" in text
    assert "running or interrupted" in text and "h pid 7" in text
