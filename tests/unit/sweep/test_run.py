"""A small sweep in this process (serial, or two groups under ``mpirun -n 2``)."""

import json

import pytest

from helpers import CASES
from solver.errors import CaseError
from solver.sweep.collect import collect
from solver.sweep.runner import run_sweep
from solver.sweep.shard import Shard
from solver.sweep.status import status_counts
from solver.sweep.table import read_table_csv

STUDY = f"""case = "{(CASES / 'si_pn_diode.toml').as_posix()}"
ranks_per_point = {{rpp}}
outputs = ["built_in_potential_V", "band_bending_V.n"]
[set]
"study.kind" = "equilibrium"
[list]
temperature_K = [300.0, 350.0, 300.0, 400.0, 250.0]
"solver.max_iterations" = [60, 60, {{fail}}, 60, 60]
"""


def write(comm, path, text):
    if comm.rank == 0:
        path.write_text(text)
    comm.Barrier()


def on_rank0(comm, check):
    """Run the assertions ``check()`` on rank 0 and fail on every rank if they fail.

    (A failure on rank 0 alone would leave the ranks one collective apart: a hang.)
    """
    error = None
    if comm.rank == 0:
        try:
            check()
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    error = comm.bcast(error, root=0)
    assert error is None, error


@pytest.mark.parametrize("rpp", [1, 2])
def test_sweep_runs_records_failures_and_resumes(comm, shared_tmp, rpp):
    study, out = shared_tmp / f"s{rpp}.toml", shared_tmp / f"out{rpp}"
    write(comm, study, STUDY.format(rpp=rpp, fail=1))
    res = run_sweep(study, out, comm=comm, log_every=0.0)
    assert res.total == 5 and res.ran == 5
    assert res.counts == {"ok": 4, "incomplete": 0, "failed": 1} and res.exit_code == 3
    rows = read_table_csv(out / "table.csv")
    assert [r["status"] for r in rows] == ["ok", "ok", "failed", "ok", "ok"]
    assert rows[2]["petsc_reason"] == "DIVERGED_MAX_IT"
    assert "did not converge" in rows[2]["reason"]
    assert float(rows[0]["built_in_potential_V"]) > float(rows[1]["built_in_potential_V"])
    assert {r["n_ranks"] for r in rows} == {str(min(rpp, comm.size))}

    def check():
        rec = json.loads((out / "records" / "p0001.json").read_text())
        assert rec["inputs"] == {"temperature_K": 350.0, "solver.max_iterations": 60}
        assert rec["provenance"]["mpi_size"] == min(rpp, comm.size)
        assert (out / "points" / "p0001" / "summary.json").exists()
        assert not (out / "points" / "p0001" / "band_diagram.png").exists()  # plots off
        logs = [p.read_text() for p in sorted((out / "logs").glob("rank-*.log"))]
        assert any("p0001 ok in" in text for text in logs)  # in the log of whichever group ran it

    on_rank0(comm, check)
    again = run_sweep(study, out, comm=comm)  # nothing left to do
    assert again.ran == 0 and again.counts == res.counts
    assert read_table_csv(out / "table.csv") == rows
    st = status_counts(out)
    assert st["failed"] == ["p0002"] and st["pending"] == []


def test_changed_study_needs_restart(comm, shared_tmp):
    study, out = shared_tmp / "s.toml", shared_tmp / "out"
    write(comm, study, STUDY.format(rpp=1, fail=60))
    assert run_sweep(study, out, comm=comm).exit_code == 0
    write(comm, study, STUDY.format(rpp=1, fail=60).replace("250.0]", "260.0]"))
    with pytest.raises(CaseError, match="--restart"):
        run_sweep(study, out, comm=comm)
    res = run_sweep(study, out, comm=comm, restart=True)
    assert res.ran == 5 and read_table_csv(out / "table.csv")[-1]["temperature_K"] == "260.0"


def test_bad_study_fails_on_every_rank_before_solving(comm, shared_tmp):
    study = shared_tmp / "bad.toml"
    write(comm, study, STUDY.format(rpp=1, fail=1).replace('"solver.max_iterations"',
                                                   '"solver.max_iteration"'))
    with pytest.raises(CaseError, match="did you mean 'max_iterations'"):
        run_sweep(study, shared_tmp / "never", comm=comm)


def test_shards_collected_give_the_unsharded_table(comm, shared_tmp):
    study, out = shared_tmp / "sh.toml", shared_tmp / "sharded"
    write(comm, study, STUDY.format(rpp=1, fail=1))
    whole = run_sweep(study, shared_tmp / "whole", comm=comm)
    first = run_sweep(study, out, comm=comm, shard=Shard(1, 2))
    assert first.total == 2 and first.ran == 2 and first.exit_code == 0
    assert first.table == out / "shard-1-of-2" / "table.csv"
    with pytest.raises(CaseError, match="holds a sharded sweep"):
        run_sweep(study, out, comm=comm)
    second = run_sweep(study, out, comm=comm, shard=Shard(0, 2))
    assert second.total == 3 and second.counts["failed"] == 1
    assert run_sweep(study, out, comm=comm, shard=Shard(0, 2)).ran == 0  # resumed: all done

    def check():  # --collect runs on one process
        res = collect(study, out)
        assert res.exit_code == whole.exit_code == 3
        assert res.counts == {**whole.counts, "pending": 0}
        assert read_table_csv(out / "table.csv") == read_table_csv(whole.table)
        assert status_counts(out / "shard-0-of-2")["failed"] == ["p0002"]

    on_rank0(comm, check)
