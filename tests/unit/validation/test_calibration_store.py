"""A killed calibration resumes: finished simulations are stored and replayed, not redone."""

import math

import numpy as np

from mpi4py import MPI

from solver.validation import calibration as cal


def _spec(targets=("a", "b")):
    p = cal.Parameter(name="x", keys=("materials.Si.tau_n_s",), lo=1e-9, hi=1e-6, start=1e-7,
                      log=True)
    return cal.CalibrationSpec(parameters=[p], targets=list(targets), experiment_sets={},
                               fixed=[])


def test_store_round_trip_skips_a_torn_line_and_other_calibrations(tmp_path):
    store = tmp_path / "evaluations.jsonl"
    cal.append_store(store, "tag1", {(0.25,): np.array([1.5, math.nan])})
    cal.append_store(store, "tag2", {(0.5,): np.array([2.0, 3.0])})
    with open(store, "a") as fh:
        fh.write('{"fingerprint": "tag1", "z": [0.75], "mod')  # killed mid-write
    found = cal.read_store(store, "tag1", 2)
    assert list(found) == [(0.25,)]
    assert found[(0.25,)][0] == 1.5 and math.isnan(found[(0.25,)][1])
    assert cal.read_store(tmp_path / "missing.jsonl", "tag1", 2) == {}


def test_fingerprint_changes_with_what_decides_a_result():
    assert cal.fingerprint(_spec()) == cal.fingerprint(_spec())
    assert cal.fingerprint(_spec()) != cal.fingerprint(_spec(("a", "c")))


def test_a_second_evaluator_replays_stored_points_without_simulating(tmp_path, monkeypatch):
    calls = []

    def fake(values, spec, work):
        calls.append(values[0])
        return np.array([values[0] * 2.0, values[0] * 3.0])

    monkeypatch.setattr(cal, "model_values", fake)
    store = tmp_path / "out" / "evaluations.jsonl"
    comm = MPI.COMM_SELF
    first = cal.Evaluator(_spec(), comm, store)
    z = [np.array([0.1]), np.array([0.6])]
    a = first(z)
    assert len(calls) == 2 and first.replayed == 0
    second = cal.Evaluator(_spec(), comm, store)
    b = second([*z, np.array([0.9])])
    assert second.replayed == 2 and len(calls) == 3  # only the new point simulated
    for u, v in zip(a, b[:2], strict=True):
        np.testing.assert_array_equal(u, v)
