"""Pictures drawn by the painter process: the same files as drawn inline, failures warned."""

import logging

import numpy as np
import pytest

from solver.results import painter, plots


def series():
    x = np.linspace(1.0, 10.0, 20)
    return {"a": (x, x**2), "b": (x, 3 * x)}


def test_painter_draws_what_inline_drawing_draws(tmp_path, monkeypatch):
    monkeypatch.setattr(painter, "spare_core", lambda: True)
    p = painter.Painter()
    p.draw("xy", tmp_path / "p.png", series(), "x", "y", "title", logy=True)
    p.draw("loglog", tmp_path / "q.png", series(), "x", "y", "title")
    p.finish()
    p.close()
    monkeypatch.setenv("INTERPHASE_PICTURES", "inline")
    plots.xy(tmp_path / "i.png", series(), "x", "y", "title", logy=True)
    assert (tmp_path / "p.png").read_bytes() == (tmp_path / "i.png").read_bytes()
    assert (tmp_path / "q.png").is_file()


@pytest.mark.parametrize("spare", [True, False])  # in the painter, in this process
def test_a_broken_picture_is_a_warning_and_the_others_are_drawn(tmp_path, caplog, monkeypatch,
                                                                 spare):
    monkeypatch.setattr(painter, "spare_core", lambda: spare)
    p = painter.Painter()
    with caplog.at_level(logging.WARNING, logger="solver.results.painter"):
        p.draw("xy", tmp_path / "bad.png", {"a": ([1.0, 2.0], [1.0])}, "x", "y", "t")  # lengths
        p.draw("xy", tmp_path / "good.png", series(), "x", "y", "t")
        p.finish()
    p.close()
    assert (tmp_path / "good.png").is_file() and not (tmp_path / "bad.png").exists()
    assert "not drawn" in caplog.text


def test_inline_drawing_needs_no_process(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERPHASE_PICTURES", "inline")
    p = painter.Painter()
    p.draw("xy", tmp_path / "i.png", series(), "x", "y", "t")
    assert (tmp_path / "i.png").is_file()  # at once: drawn in this process
    p.finish()


def test_no_painter_without_a_spare_core(tmp_path, monkeypatch):
    monkeypatch.setattr(painter, "spare_core", lambda: False)  # e.g. mpirun -n 2 on 2 cores
    p = painter.Painter()
    p.draw("xy", tmp_path / "i.png", series(), "x", "y", "t")
    assert (tmp_path / "i.png").is_file()  # drawn at once, in this process
    p.finish()


def test_one_painter_serves_the_runs_of_a_process(tmp_path, monkeypatch):
    monkeypatch.setattr(painter, "spare_core", lambda: True)
    p = painter.Painter()
    for run in range(3):  # each run ends with finish(): its pictures are on disk
        p.draw("xy", tmp_path / f"run{run}.png", series(), "x", "y", "t")
        p.finish()
        assert (tmp_path / f"run{run}.png").is_file()
    assert p.started == 1
    p.close()
