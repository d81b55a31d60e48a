"""One run per output folder: the lock, the manifest, and what a rerun removes."""

import json
import os
import time

import pytest

from solver.errors import CaseError
from solver.results.folder import MANIFEST, OutputFolder, check_out

pytestmark = pytest.mark.serial


def run(root, files, complete=True):
    f = OutputFolder(root)
    f.open(["interphase", "run"])
    for name in files:
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(name)
    if complete is not None:
        f.finish(complete)
    f.close()


def test_a_rerun_removes_the_previous_runs_files_and_keeps_the_users(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    run(root, ["summary.json", "iv.csv", "band_diagram_350K.png", "studyA/summary.json"])
    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["complete"] and manifest["foreign"] == ["notes.txt"]
    assert manifest["files"] == ["band_diagram_350K.png", "iv.csv", "studyA/summary.json",
                                 "summary.json"]
    run(root, ["summary.json"])
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == [
        "notes.txt", "summary.json"]


def test_a_killed_runs_files_are_removed_too(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (root / "old_user_file.txt").write_text("mine")
    run(root, ["summary.json", "band_diagram_300K.png"], complete=None)  # killed: no finish
    assert json.loads((root / MANIFEST).read_text())["files"] == []
    run(root, ["summary.json"])
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == [
        "old_user_file.txt", "summary.json"]


def test_a_second_writer_is_refused_with_the_first_ones_pid(tmp_path):
    a = OutputFolder(tmp_path)
    a.open()
    with pytest.raises(CaseError, match=f"another interphase run is writing into {tmp_path} "
                       rf"\(pid {os.getpid()} on "):
        OutputFolder(tmp_path).open()
    a.finish(True)
    a.close()
    b = OutputFolder(tmp_path)
    b.open()  # free again
    b.close()


def a_file(p):
    p.write_text("x")
    return p


@pytest.mark.parametrize(("make", "fragment"), [
    (a_file, "a file"),
    (lambda p: p.parent / ("x" * 300), "has 300 bytes; file systems allow 255"),
    (lambda p: a_file(p) / "sub", "Not a directory"),
])
def test_unusable_out_folders_are_one_line_errors(tmp_path, make, fragment):
    target = make(tmp_path / "f")
    with pytest.raises(CaseError, match=fragment) as exc:
        OutputFolder(target).open()
    assert "\n" not in str(exc.value)
    with pytest.raises(CaseError, match="not a folder"):
        check_out(type(tmp_path)("/dev/null"))


def test_files_are_listed_after_they_are_written(tmp_path):
    f = OutputFolder(tmp_path)
    f.open()
    time.sleep(0.01)
    (tmp_path / "a.csv").write_text("x")
    f.finish(False)
    f.close()
    m = json.loads((tmp_path / MANIFEST).read_text())
    assert m["files"] == ["a.csv"] and not m["complete"]
