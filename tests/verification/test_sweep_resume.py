"""A sweep killed (SIGKILL, then SIGTERM) and resumed gives exactly the uninterrupted table.

Also: ``mpirun -n 2`` gives the same table as one rank, a non-converging point is recorded as
failed with PETSc's reason while the others finish, finished points are never redone, a
changed study file in the same folder is an error unless ``--restart``, and a study split into
two shards (a job array; one shard killed and resumed) collects to the unsharded table.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from helpers import CASES, ROOT
from solver.sweep.table import read_table_csv

pytestmark = pytest.mark.serial

MPIRUN = shutil.which("mpirun")
ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
       "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMP_NUM_THREADS": "1"}
N = 10
# 10 I-V points of the silicon diode (~0.3 s each); point 4 cannot converge (1 Newton step)
STUDY = f"""case = "{(CASES / 'si_pn_diode.toml').as_posix()}"
outputs = ["built_in_potential_V", "knee_voltage_V", "rectification_ratio.0.5",
           "ideality_factor", "saturation_current_density_A_per_cm2"]
[set]
"study.voltages_V" = {{ start = -0.6, stop = 0.8, step = 0.02 }}
[list]
temperature_K = [250.0, 275.0, 300.0, 325.0, 350.0, 375.0, 400.0, 300.0, 300.0, 300.0]
"layers.1.donors_cm3" = [1e16, 1e16, 1e16, 1e16, 1e16, 1e16, 1e16, 3e16, 1e17, 3e15]
"solver.max_iterations" = [60, 60, 60, 60, 1, 60, 60, 60, 60, 60]
"""


def cmd(study, out, *extra, ranks=0):
    base = [sys.executable, "-m", "solver.sweep", str(study), "--out", str(out), *extra]
    return [MPIRUN, "-n", str(ranks), *base] if ranks else base


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=ENV,
                          cwd=ROOT)


def n_records(out):
    d = out / "records"
    return len([p for p in os.listdir(d) if p.endswith(".json")]) if d.is_dir() else 0


def interrupt(study, out, after, sig, *extra, folder=None, total=N):
    """Start the sweep, send ``sig`` once ``after`` points are finished; return the records.

    ``folder`` is the sweep folder that gets the records (``out``, or a shard's folder).
    """
    folder = folder or out
    proc = subprocess.Popen(cmd(study, out, *extra), env=ENV, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while n_records(folder) < after and proc.poll() is None and time.monotonic() - t0 < 120:
        time.sleep(0.01)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -sig, err
    done = {p: (folder / "records" / p).read_text() for p in os.listdir(folder / "records")}
    assert after <= len(done) < total, "the sweep finished before it could be interrupted"
    return done, err


def table(out):
    return read_table_csv(out / "table.csv")  # without the wall_time_s column


def test_killed_and_resumed_sweep_equals_uninterrupted_run(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    ref = run(cmd(study, tmp_path / "ref"))
    assert ref.returncode == 3, ref.stderr  # one point failed
    expected = table(tmp_path / "ref")
    assert len(expected) == N
    assert [r["status"] for r in expected] == ["ok"] * 4 + ["failed"] + ["ok"] * 5
    failed = expected[4]
    assert failed["petsc_reason"] == "DIVERGED_MAX_IT" and "did not converge" in failed["reason"]
    assert all(float(r["knee_voltage_V"]) > 0 for r in expected if r["status"] == "ok")

    out = tmp_path / "resumed"
    first, _ = interrupt(study, out, 3, signal.SIGKILL)
    status = run([sys.executable, "-m", "solver.sweep", "--status", str(out)])
    assert status.returncode == 0 and f"{N - len(first)} pending" in status.stdout
    second, err = interrupt(study, out, len(first) + 2, signal.SIGTERM)
    assert "re-run the same command to resume" in err
    assert all(second[p] == text for p, text in first.items())  # finished points kept as is
    final = run(cmd(study, out))
    assert final.returncode == 3, final.stderr
    assert table(out) == expected
    for p, text in second.items():  # never redone
        assert (out / "records" / p).read_text() == text
    for r in expected:  # outputs of points killed half-way were redone completely
        if r["status"] == "ok":
            assert (out / "points" / r["id"] / "iv.csv").exists()
    assert (out / "table.h5").exists()

    study.write_text(STUDY.replace("3e15]", "4e15]"))
    changed = run(cmd(study, out))
    assert changed.returncode == 2 and "--restart" in changed.stderr
    assert "\n" not in changed.stderr.strip()


@pytest.mark.skipif(MPIRUN is None, reason="mpirun not installed")
def test_two_ranks_give_the_table_of_one(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    one = run(cmd(study, tmp_path / "one"))
    assert one.returncode == 3, one.stderr
    two = run(cmd(study, tmp_path / "two", ranks=2))
    assert two.returncode == 3, two.stderr
    assert table(tmp_path / "two") == table(tmp_path / "one")
    logs = sorted(os.listdir(tmp_path / "two" / "logs"))
    assert logs == ["rank-0000.log", "rank-0001.log"]
    # dynamic load balancing: both ranks computed points
    for log in logs:
        assert " ok in " in (tmp_path / "two" / "logs" / log).read_text()


def test_job_array_shards_collect_to_the_unsharded_table(tmp_path):
    study, out = tmp_path / "study.toml", tmp_path / "array"
    study.write_text(STUDY)
    procs = [subprocess.Popen(c, env=ENV, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for c in (cmd(study, tmp_path / "ref"), cmd(study, out, "--shard", "0/2"))]
    (_, ref_err), (_, shard0_err) = (p.communicate(timeout=300) for p in procs)
    assert procs[0].returncode == 3, ref_err
    assert procs[1].returncode == 3, shard0_err  # point 4 (shard 0) cannot converge
    status = run([sys.executable, "-m", "solver.sweep", "--status", str(out)])
    assert status.returncode == 0, status.stderr
    assert "10 points: 4 done (4 ok, 0 incomplete), 1 failed, 5 pending" in status.stdout
    assert "shard-1-of-2: not started (5 points pending)" in status.stdout

    shard1 = out / "shard-1-of-2"
    first, _ = interrupt(study, out, 2, signal.SIGKILL, "--shard", "1/2", folder=shard1,
                         total=5)
    partial = run(cmd(study, out, "--collect"))
    assert partial.returncode == 3 and "not finished: shard-1-of-2" in partial.stdout
    pending = [f"p{i:04d}" for i in range(1, N, 2) if f"p{i:04d}.json" not in first]
    assert [r["id"] for r in table(out) if r["status"] == "pending"] == pending
    resumed = run(cmd(study, out, "--shard", "1/2"))
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(first)} finished, {5 - len(first)} to run)" in resumed.stderr
    for p, text in first.items():  # finished points of the killed task are kept as they are
        assert (shard1 / "records" / p).read_text() == text

    final = run(cmd(study, out, "--collect"))
    assert final.returncode == 3, final.stderr  # the failed point
    assert "10 points in 2 shards, 9 ok, 0 incomplete, 1 failed, 0 pending" in final.stdout
    assert table(out) == table(tmp_path / "ref")
    assert (out / "table.h5").exists()

    bad = run(cmd(study, out, "--shard", "2/2"))
    assert bad.returncode == 2 and "K = 2 must be in 0..1" in bad.stderr
    assert "\n" not in bad.stderr.strip()
    study.write_text(STUDY.replace("3e15]", "4e15]"))
    changed = run(cmd(study, out, "--collect"))
    assert changed.returncode == 2 and "shard-0-of-2: holds the results of a different" \
        in changed.stderr
    assert "\n" not in changed.stderr.strip()
