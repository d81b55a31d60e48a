import json
import math
import os

import numpy as np
import pytest

from solver.results.atomic import write_csv, write_json, write_text

pytestmark = pytest.mark.serial


def test_atomic_write_leaves_no_temp_files(tmp_path):
    p = tmp_path / "a" / "summary.json"
    write_json(p, {"x": np.float64(1.5), "nan": math.nan, "arr": np.arange(3)})
    data = json.loads(p.read_text())
    assert data == {"x": 1.5, "nan": None, "arr": [0, 1, 2]}
    assert os.listdir(p.parent) == ["summary.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_have_the_permissions_of_a_new_file(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_text(tmp_path / "iv.csv", "V,J\n")
        (tmp_path / "plain.csv").write_text("V,J\n")
    finally:
        os.umask(old)
    mode = (tmp_path / "iv.csv").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask == (tmp_path / "plain.csv").stat().st_mode & 0o777


def test_failed_write_keeps_old_file(tmp_path, monkeypatch):
    p = tmp_path / "f.txt"
    write_text(p, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_text(p, "new")
    assert p.read_text() == "old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_csv(tmp_path):
    p = tmp_path / "t.csv"
    write_csv(p, {"voltage_V": [0.0, 0.1], "current_density_A_per_cm2": [1e-9, 2e-3]})
    lines = p.read_text().splitlines()
    assert lines[0] == "voltage_V,current_density_A_per_cm2"
    assert lines[2] == "0.1,0.002"


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002, 0o077])
def test_files_get_the_users_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        write_text(tmp_path / "s.json", "{}")
        open(tmp_path / "plain.txt", "w").close()
    finally:
        os.umask(old)
    mode = (tmp_path / "s.json").stat().st_mode & 0o777
    assert mode == 0o666 & ~mask == (tmp_path / "plain.txt").stat().st_mode & 0o777
