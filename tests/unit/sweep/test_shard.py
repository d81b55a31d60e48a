"""Shards: --shard parsing, point selection, folder layout, --collect, status (no MPI)."""

import json

import pytest

from helpers import CASES
from solver.errors import CaseError
from solver.sweep import load_study
from solver.sweep.collect import collect
from solver.sweep.overview import format_sharded_status, format_status, survey
from solver.sweep.shard import (
    Shard,
    check_layout,
    find_shards,
    parse_shard,
    shard_dir,
    split_count,
)
from solver.sweep.store import Store
from solver.sweep.table import read_table_csv

STUDY = f"""case = "{(CASES / 'si_pn_diode.toml').as_posix()}"
outputs = ["x"]
[list]
temperature_K = [300.0, 310.0, 320.0, 330.0, 340.0]
"""


@pytest.fixture
def study(tmp_path):
    p = tmp_path / "study.toml"
    p.write_text(STUDY)
    return load_study(p)


def record(manifest, pid, status="ok", x=1.0):
    return {"id": pid, "study_sha256": manifest["study_sha256"], "status": status,
            "inputs": {}, "reason": None if status == "ok" else "DIVERGED_MAX_IT somewhere",
            "petsc_reason": None if status == "ok" else "DIVERGED_MAX_IT",
            "outputs": {"x": x}, "n_ranks": 1, "timings": {"wall_s": 0.5}}


def run_shard(study, out, shard, statuses):
    """A finished (or partly finished) shard: ``statuses`` maps point ids to their status."""
    store = Store(shard_dir(out, shard))
    m = store.open(study, shard=shard)
    store.close()
    for pid, status in statuses.items():
        store.write_record(record(m, pid, status, x=float(pid[1:])))
    return m


@pytest.mark.parametrize(("text", "k", "n"), [("0/1", 0, 1), ("3/8", 3, 8), (" 7 / 8 ", 7, 8)])
def test_parse_shard(text, k, n):
    assert parse_shard(text) == Shard(k, n)


@pytest.mark.parametrize(("text", "fragment"), [
    ("x", "not of the form K/N"), ("3", "not of the form K/N"), ("1/2/3", "not of the form"),
    ("8/8", "K = 8 must be in 0..7"), ("-1/4", "K = -1 must be in 0..3"),
    ("0/0", "N = 0 must be >= 1"), ("0/-2", "N = -2 must be >= 1"), ("", "not of the form")])
def test_bad_shard_is_a_one_line_error(text, fragment):
    with pytest.raises(CaseError) as exc:
        parse_shard(text)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)
    assert "$SLURM_ARRAY_TASK_ID" in str(exc.value)


@pytest.mark.parametrize("n_points", [0, 1, 5, 17])
@pytest.mark.parametrize("n_shards", [1, 2, 3, 8])
def test_shards_partition_the_points(n_points, n_shards):
    parts = [Shard(k, n_shards).indices(n_points) for k in range(n_shards)]
    assert sorted(i for p in parts for i in p) == list(range(n_points))
    for k, p in enumerate(parts):
        assert all(Shard(k, n_shards).selects(i) for i in p)
        assert all(i % n_shards == k for i in p)


def test_shard_names_sort_and_are_found(tmp_path):
    assert Shard(3, 8).name == "shard-3-of-8"
    assert Shard(3, 12).name == "shard-03-of-12"
    assert Shard(0, 1).name == "shard-0-of-1"
    for k in (2, 0, 11):
        shard_dir(tmp_path, Shard(k, 12)).mkdir()
    (tmp_path / "shard-5-of-3").mkdir()  # K >= N: not a shard
    (tmp_path / "shard-x-of-2").mkdir()
    (tmp_path / "shard-1-of-12").write_text("a file")
    assert list(find_shards(tmp_path)) == [Shard(0, 12), Shard(2, 12), Shard(11, 12)]
    assert split_count(tmp_path) == 12 and split_count(tmp_path / "none") == 0
    assert Shard.from_dict(Shard(2, 12).as_dict()) == Shard(2, 12)
    assert Shard.from_dict(None) is None


def test_layout_refuses_mixing(study, tmp_path):
    out = tmp_path / "out"
    check_layout(out, None)  # nothing there yet
    check_layout(out, Shard(0, 2))
    run_shard(study, out, Shard(0, 2), {})
    check_layout(out, Shard(1, 2))
    with pytest.raises(CaseError, match="holds a sharded sweep"):
        check_layout(out, None)
    with pytest.raises(CaseError, match=r"split into 2 \(use --shard K/2"):
        check_layout(out, Shard(0, 3))
    shard_dir(out, Shard(1, 4)).mkdir()
    with pytest.raises(CaseError, match="different splits"):
        check_layout(out, Shard(1, 2))
    plain = Store(tmp_path / "plain")
    plain.open(study)
    plain.close()
    with pytest.raises(CaseError, match="holds an unsharded sweep"):
        check_layout(plain.root, Shard(0, 2))


def test_shard_manifest_keeps_its_points_with_the_study_ids(study, tmp_path):
    m = run_shard(study, tmp_path, Shard(1, 2), {})
    assert [p["id"] for p in m["points"]] == ["p0001", "p0003"]
    assert [p["inputs"]["temperature_K"] for p in m["points"]] == [310.0, 330.0]
    assert m["shard"] == {"index": 1, "count": 2} and m["study_points"] == 5
    again = Store(shard_dir(tmp_path, Shard(1, 2)))
    assert again.open(study, shard=Shard(1, 2)) == m  # resume: the same manifest
    again.close()
    with pytest.raises(CaseError, match="holds shard-1-of-2 of this study"):
        Store(shard_dir(tmp_path, Shard(1, 2))).open(study)  # unsharded run in a shard folder
    empty = run_shard(study, tmp_path / "many", Shard(6, 7), {})  # more shards than points
    assert empty["points"] == []


def test_collect_merges_shards_in_point_order(study, tmp_path):
    out = tmp_path / "out"
    run_shard(study, out, Shard(1, 2), {"p0001": "ok", "p0003": "failed"})
    run_shard(study, out, Shard(0, 2), {"p0000": "ok", "p0002": "ok", "p0004": "incomplete"})
    res = collect(study.path, out)
    assert res.total == 5 and res.exit_code == 3 and res.unfinished == []
    assert res.counts == {"ok": 3, "incomplete": 1, "failed": 1, "pending": 0}
    rows = read_table_csv(out / "table.csv")
    assert [r["id"] for r in rows] == ["p0000", "p0001", "p0002", "p0003", "p0004"]
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "failed", "incomplete"]
    assert [r["temperature_K"] for r in rows] == ["300.0", "310.0", "320.0", "330.0", "340.0"]
    assert [r["x"] for r in rows] == ["0.0", "1.0", "2.0", "3.0", "4.0"]
    assert rows[3]["petsc_reason"] == "DIVERGED_MAX_IT"
    assert (out / "table.h5").exists()
    info = json.loads((out / "shards.json").read_text())
    assert info["shards"] == 2 and info["per_shard"]["shard-1-of-2"]["failed"] == 1
    assert info["study_sha256"] == study.digest


def test_collect_lists_points_of_missing_and_unfinished_shards_as_pending(study, tmp_path):
    out = tmp_path / "out"
    run_shard(study, out, Shard(2, 3), {"p0002": "ok"})
    run_shard(study, out, Shard(0, 3), {"p0000": "ok"})  # p0003 killed: pending
    res = collect(study.path, out)
    assert res.counts == {"ok": 2, "incomplete": 0, "failed": 0, "pending": 3}
    assert res.unfinished == ["shard-0-of-3", "shard-1-of-3"] and res.exit_code == 3
    rows = read_table_csv(out / "table.csv")
    assert [r["status"] for r in rows] == ["ok", "pending", "ok", "pending", "pending"]
    assert rows[1]["temperature_K"] == "310.0" and rows[1]["x"] == ""
    text = format_status(out)
    assert "5 points: 2 done (2 ok, 0 incomplete), 0 failed, 3 pending" in text
    assert "shard-0-of-3: 2 points: 1 ok, 0 incomplete, 0 failed, 1 pending" in text
    assert "shard-1-of-3: not started (2 points pending)" in text
    assert "(re-)run the array tasks of shard-0-of-3, shard-1-of-3, then --collect" in text


def test_collect_names_the_shard_of_another_study(study, tmp_path):
    out = tmp_path / "out"
    run_shard(study, out, Shard(0, 2), {"p0000": "ok"})
    other_file = tmp_path / "other.toml"
    other_file.write_text(STUDY.replace("340.0]", "350.0]"))
    run_shard(load_study(other_file), out, Shard(1, 2), {"p0001": "ok"})
    with pytest.raises(CaseError) as exc:
        collect(study.path, out)
    msg = str(exc.value)
    assert "shard-1-of-2: holds the results of a different study" in msg and "\n" not in msg
    assert "--restart" in msg
    with pytest.raises(CaseError, match="shard-0-of-2: holds the results of a different"):
        collect(other_file, out)
    states = survey(out)  # status: the first shard is the reference
    assert states[0].problem is None and "than shard-0-of-2" in states[1].problem
    assert "counted as pending" in format_sharded_status(out)
    assert not (out / "table.csv").exists()


def test_collect_refuses_folders_without_shards(study, tmp_path):
    with pytest.raises(CaseError, match="no shard folders"):
        collect(study.path, tmp_path / "nothing")
    store = Store(tmp_path / "plain")
    store.open(study)
    store.close()
    with pytest.raises(CaseError, match="holds an unsharded sweep"):
        collect(study.path, tmp_path / "plain")


def test_sharded_status_when_done(study, tmp_path):
    out = tmp_path / "out"
    run_shard(study, out, Shard(0, 2), {"p0000": "ok", "p0002": "failed", "p0004": "ok"})
    run_shard(study, out, Shard(1, 2), {"p0001": "ok", "p0003": "ok"})
    text = format_sharded_status(out)
    assert text.splitlines()[0].startswith(f"{out}: sharded sweep, 2 shards, study ")
    assert "5 points: 4 done (4 ok, 0 incomplete), 1 failed, 0 pending" in text
    assert "shard-0-of-2 failed:" in text and "p0002 (temperature_K=320.0) [DIVERGED_MAX_IT]" \
        in text
    assert "merge them with `interphase sweep STUDY --out DIR --collect`" in text
    collect(study.path, out)
    assert "table (from --collect)" in format_status(out)
    shard_text = format_status(shard_dir(out, Shard(1, 2)))
    assert "shard-1-of-2: 2 of 5 points" in shard_text
    shard_dir(out, Shard(0, 3)).mkdir()
    with pytest.raises(CaseError, match="different splits"):
        format_status(out)


def test_layout_check_and_manifest_are_one_step_under_the_layout_lock(study, tmp_path):
    """The start-up race: an unsharded and a sharded run started together into one folder."""
    import threading
    import time

    from solver.sweep.shard import layout_lock

    out = tmp_path / "race"
    outcomes = {}

    def start(name, shard, pause):
        try:
            with layout_lock(out):
                check_layout(out, shard)
                time.sleep(pause)  # the window in which the other run used to slip in
                Store(shard_dir(out, shard) if shard else out).open(study, shard=shard).clear()
            outcomes[name] = "ok"
        except CaseError as exc:
            outcomes[name] = str(exc)

    a = threading.Thread(target=start, args=("whole", None, 0.3))
    b = threading.Thread(target=start, args=("shard", Shard(0, 2), 0.0))
    a.start()
    time.sleep(0.05)
    b.start()
    a.join()
    b.join()
    assert outcomes["whole"] == "ok"
    assert "holds an unsharded sweep" in outcomes["shard"]
    assert find_shards(out) == {}
