"""The commands' error reporting: one line and a documented exit code for every exception."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from helpers import ROOT
from solver.errors import CaseError, ConvergenceError, Interrupted
from solver.reporting import outcome, run_reporting


def raising(exc):
    def f(*args):
        raise exc

    return f


@pytest.mark.parametrize(("exc", "code", "start"), [
    (ConvergenceError("DIVERGED_LINE_SEARCH at 0.4 V"), 3, "interphase: solver error: "),
    (CaseError("bad\nvalue", file="c.toml", key="x"), 2, "interphase: error: c.toml: x: bad"),
    (KeyboardInterrupt(), 130, "interphase: interrupted (SIGINT)"),
    (Interrupted(signal.SIGTERM, "2 of 3 temperature(s) kept"), 143,
     "interphase: interrupted (SIGTERM): 2 of 3"),
    (FileNotFoundError(2, "No such file or directory", "/x/y"), 2,
     "interphase: error: No such file or directory: /x/y"),
])
def test_exceptions_become_one_line_and_an_exit_code(exc, code, start):
    got, message = outcome(raising(exc), ())
    assert got == code
    assert message.startswith(start) and "\n" not in message


def test_an_import_stopped_by_a_signal_is_an_interruption_not_a_bug(tmp_path):
    """Ctrl-C while a C extension initialises (dolfinx.cpp) surfaces as an ImportError."""

    def importing():
        try:
            raise Interrupted(signal.SIGTERM, "")
        except KeyboardInterrupt as exc:
            raise ImportError("initialization failed") from exc

    code, message = outcome(importing, ())
    assert code == 143 and message == "interphase: interrupted (SIGTERM)"
    got, _ = outcome(raising(ImportError("initialization failed")), (), log_dir=lambda: tmp_path)
    assert got == 4  # an ImportError of its own is still a bug


def test_internal_error_points_to_a_log_with_the_traceback(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code, message = outcome(raising(RuntimeError("boom\nsecond line")), (),
                            log_dir=lambda: tmp_path)
    assert code == 4 and "\n" not in message
    assert message.startswith("interphase: internal error: RuntimeError: boom\\nsecond line")
    log = tmp_path / "interphase-error.log"
    assert f"the traceback is in {log}" in message
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text
    code, message = outcome(raising(MemoryError()), (), log_dir=lambda: None)
    assert code == 4 and message.startswith("interphase: out of memory: MemoryError")
    assert len(list((tmp_path / "tmp").glob("interphase-error-*.log"))) == 1


def test_cli_prints_one_line_for_an_internal_error(monkeypatch, capsys, tmp_path):
    import tempfile

    import solver.cli as cli

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the log goes there
    monkeypatch.setattr(cli, "_cmd_keys", raising(ZeroDivisionError("float division by zero")))
    assert cli.main(["keys"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "internal error: ZeroDivisionError" in err[0]
    assert list(tmp_path.glob("interphase-error-*.log"))
    assert run_reporting(lambda: 0) == 0


@pytest.mark.serial
def test_one_ranks_error_aborts_the_job_instead_of_hanging(tmp_path):
    """Rank 1 fails alone while rank 0 waits in a collective: the job ends, with rank 1's line;
    a collective error (every rank) is one line from rank 0 and a clean exit code."""
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from mpi4py import MPI
        import solver.reporting as R
        from solver.errors import CaseError
        R.AGREE_TIMEOUT_S = 1.0
        world = MPI.COMM_WORLD
        def alone():
            if world.rank == 1:
                raise RuntimeError("rank one broke")
            world.barrier()
            return 0
        def together():
            raise CaseError("the same bad case everywhere")
        job = alone if sys.argv[1] == "alone" else together
        sys.exit(R.run_reporting(job, rank=world.rank, comm=world.Dup()))
    """))
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "TMPDIR": str(tmp_path)}

    def mpirun(mode):
        t0 = time.monotonic()
        r = subprocess.run(["mpirun", "-n", "2", sys.executable, str(script), mode],
                           capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
        return r, time.monotonic() - t0

    r, seconds = mpirun("alone")
    assert r.returncode != 0 and seconds < 60
    assert "interphase: internal error: RuntimeError: rank one broke" in r.stderr
    assert "[rank 1; the other ranks do not answer: aborting]" in r.stderr
    r, _ = mpirun("together")
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("interphase")]
    assert lines == ["interphase: error: the same bad case everywhere"]
