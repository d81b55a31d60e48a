"""Serial and `mpirun -n 2` runs of the same case give the same results (relative 1e-8)."""

import csv
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from helpers import CASES

pytestmark = pytest.mark.serial

MPIRUN = shutil.which("mpirun")


def read(path):
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0] if k != "layer"}


@pytest.mark.skipif(MPIRUN is None, reason="mpirun not installed")
def test_two_ranks_match_serial(tmp_path):
    sets = ["--set", "study.voltages_V=[-0.5, -0.25, 0.0, 0.25, 0.5, 0.7]"]
    base = [sys.executable, "-m", "solver", "run", str(CASES / "si_pn_diode.toml"), *sets]
    env = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}
    r1 = subprocess.run([*base, "--out", str(tmp_path / "s")], capture_output=True, text=True,
                        timeout=600)
    assert r1.returncode == 0, r1.stderr
    r2 = subprocess.run([MPIRUN, "-n", "2", *base, "--out", str(tmp_path / "p")],
                        capture_output=True, text=True, timeout=600, env=env)
    assert r2.returncode == 0, r2.stderr
    for name in ("iv.csv", "band_diagram.csv"):
        a, b = read(tmp_path / "s" / name), read(tmp_path / "p" / name)
        for key in a:
            if key == "newton_iterations":
                continue
            scale = np.maximum(np.abs(a[key]), 1e-300)
            rel = np.abs(a[key] - b[key]) / scale
            small = np.abs(a[key]) < 1e-30 * np.max(np.abs(a[key]) + 1e-300)
            assert np.all(rel[~small] < 1e-8), (name, key, rel.max())
