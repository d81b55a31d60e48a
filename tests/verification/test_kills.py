"""A run killed at random moments leaves only readable files; one run per output folder.

``interphase run`` of the smallest shipped 1D case at 3 temperatures, as a subprocess, is hit
with SIGKILL and SIGINT at seeded random moments. After each, every JSON, CSV and PNG in the
folder must open; after SIGINT the command ends with one "interrupted" line (exit 130) and
summary.json, if the run got that far, says ``"status": "interrupted"``. Field files are on:
every VTU must open with meshio and every PVD collection may list only VTU files that open. A
rerun into the used folder then finishes and leaves only its own files. A second run started
while the first holds the folder is refused.
"""

import csv
import json
import random
import signal
import subprocess
import sys
import time

import pytest

from helpers import CASES

pytestmark = pytest.mark.serial

SETS = ["temperature_K=[300, 325, 350]", "study.voltages_V=[0.0, 0.2, 0.4]",
        "output.fields=true"]


def start(out, *extra):
    cmd = [sys.executable, "-m", "solver", "run", str(CASES / "si_pn_diode.toml"), "--out",
           str(out)]
    for s in [*SETS, *extra]:
        cmd += ["--set", s]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_readable(out):
    """Every JSON, CSV, PNG, VTU and PVD opens; returns summary.json (or None)."""
    import matplotlib
    import meshio

    from solver.results.fields import read_pvd

    matplotlib.use("Agg")
    from matplotlib import image

    for p in out.rglob("*"):
        if p.name.startswith("."):
            continue
        if p.suffix == ".json":
            json.loads(p.read_text())
        elif p.suffix == ".csv":
            rows = list(csv.reader(p.read_text().splitlines()))
            assert rows and all(len(r) == len(rows[0]) for r in rows), p
        elif p.suffix == ".png":
            assert image.imread(p).size > 0, p
        elif p.suffix == ".vtu":
            assert len(meshio.read(p).points) > 0, p
        elif p.suffix == ".pvd":
            for _, vtu in read_pvd(p):
                assert len(meshio.read(vtu).points) > 0, (p, vtu)
    s = out / "summary.json"
    return json.loads(s.read_text()) if s.exists() else None


@pytest.mark.slow
def test_killed_runs_leave_readable_files_and_one_run_per_folder(tmp_path):
    out = tmp_path / "out"
    first = start(out)  # a full run; a second one started meanwhile is refused
    t0 = time.monotonic()
    lock = out / ".interphase.lock"
    while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < t0 + 120:
        time.sleep(0.05)
    second = start(out)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 2
    assert len(err.strip().splitlines()) == 1
    assert f"another interphase run is writing into {out} (pid {first.pid}" in err
    _, err = first.communicate(timeout=600)
    full = time.monotonic() - t0
    assert first.returncode == 0, err
    rng = random.Random(15)
    seen = []
    for sig in (signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGINT):
        p = start(out)
        time.sleep(rng.uniform(0.3, 0.95) * full)
        p.send_signal(sig)
        _, err = p.communicate(timeout=120)
        summary = check_readable(out)
        seen.append((sig.name, p.returncode, summary and summary["status"]))
        if sig == signal.SIGINT and p.returncode != 0:  # not already finished
            assert p.returncode == 130, err
            assert "Traceback" not in err
            assert err.strip().splitlines()[-1].startswith("interphase: interrupted (SIGINT)")
            if summary is not None and summary["status"] != "interrupted":
                # the signal came after the study's last summary (while finishing up): it
                # may say ok only if it holds every temperature
                assert summary["status"] == "ok", summary["status"]
                assert len(summary["per_temperature"]) == 3, summary
        elif summary is not None:
            assert summary["status"] in ("running", "ok"), summary["status"]
    print(seen)
    p = start(out, "temperature_K=[310, 330]")  # a rerun replaces the whole set of outputs
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    summary = check_readable(out)
    assert summary["status"] == "ok" and summary["temperature_K"] == [310.0, 330.0]
    manifest = json.loads((out / ".interphase-manifest.json").read_text())
    assert manifest["complete"]
    on_disk = sorted(f.relative_to(out).as_posix() for f in out.rglob("*")
                     if f.is_file() and not f.name.startswith("."))
    assert on_disk == sorted(manifest["files"])
    assert any(f.endswith(".vtu") for f in on_disk)
    assert not [f for f in on_disk if "300K" in f or "325K" in f or "350K" in f]
