"""The paper validation and calibration machinery, end to end (quick settings)."""

import json
import math

import pytest

from solver.validation.calibration import calibrate
from solver.validation.paper import run_validation


def test_quick_paper_validation_report(comm, shared_tmp):
    result = run_validation(shared_tmp / "val", comm, quick=True)
    rows = {r["name"]: r for r in result["metrics"]}
    assert rows["ionic_resistance"]["verdict"] == "pass"  # 268 ohm, the paper's EIS
    assert math.isfinite(rows["knee_voltage_300K"]["model"])
    assert rows["knee_voltage_250K"]["verdict"] == "not run"  # quick: 300 K only
    assert {r["verdict"] for r in rows.values()} <= {"pass", "miss", "-", "not run"}
    if comm.rank == 0:
        report = (shared_tmp / "val" / "report.md").read_text()
        assert "| quantity | measured | model |" in report
        data = json.loads((shared_tmp / "val" / "validation.json").read_text())
        assert len(data["metrics"]) == len(rows)
        assert (shared_tmp / "val" / "leakage_vs_T.png").is_file()


def test_calibration_fits_only_its_target(comm, shared_tmp):
    spec = shared_tmp / "calibration.toml"
    if comm.rank == 0:
        spec.write_text("""
targets = ["sigma_bare_RT"]
[experiment_sets]
bare = ["temperature_K=298.0"]
[parameters.llzto_sigma_e]
keys = ["materials.LLZTO.sigma_e_S_per_cm"]
bounds = [1e-8, 1e-5]
start = 1e-7
log = true
""")
    comm.Barrier()
    result = calibrate(shared_tmp / "cal", comm, spec, max_nfev=6)
    assert result["model_at_best"]["sigma_bare_RT"] == pytest.approx(3.25e-8, rel=0.1)
    assert result["parameters"]["llzto_sigma_e"] > 1e-7  # the bulk sigma_e must exceed it
    if comm.rank == 0:
        text = (shared_tmp / "cal" / "calibrated.toml").read_text()
        assert "materials.LLZTO.sigma_e_S_per_cm=" in text
