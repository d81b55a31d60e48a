"""The output-folder lock: one holder, named to the second writer; released on close."""

import os

import pytest

from solver.errors import CaseError
from solver.results.lock import hold


def test_a_second_holder_is_refused_with_the_first_ones_line(tmp_path):
    path = tmp_path / ".lock"
    fd = hold(path, "busy here", "wait")
    assert fd is not None and path.read_text().startswith(f"pid {os.getpid()} on ")
    with pytest.raises(CaseError) as exc:
        hold(path, "busy here", "wait")  # a second descriptor: flock refuses it
    assert "busy here (pid " in str(exc.value) and "wait" in str(exc.value)
    os.close(fd)
    fd2 = hold(path, "busy here", "wait")  # released
    assert fd2 is not None
    os.close(fd2)


def test_an_unwritable_folder_is_one_line_naming_it(tmp_path):
    with pytest.raises(CaseError) as exc:
        hold(tmp_path / "missing" / ".lock", "busy", "wait")
    assert "cannot write into the folder" in str(exc.value) and "missing" in str(exc.value)
