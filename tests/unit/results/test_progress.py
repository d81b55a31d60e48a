"""Progress: one renderer for step-driven bars and sweep bars; plain log lines in batch jobs."""

import io
import logging

from solver.results.progress import Progress, bar, duration


def test_bar_and_duration():
    assert bar(0, 10) == "." * 30
    assert bar(5, 10) == "#" * 15 + "." * 15
    assert bar(12, 10) == "#" * 30  # never longer than its width
    assert bar(1, 0, width=4) == "####"
    assert duration(42.4) == "42 s"
    assert duration(600) == "10 min"
    assert duration(3 * 3600) == "3.0 h"


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_terminal_redraws_one_line_and_ends_it():
    out = _Tty()
    p = Progress("iv 300 K", 2, stream=out)
    p.step("V = 0.1")
    p.step("V = 0.2")
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    assert "[iv 300 K] 2/2 V = 0.2" in text and "#" * 30 in text


def test_batch_jobs_get_log_lines_and_other_ranks_stay_silent(caplog):
    with caplog.at_level(logging.INFO, logger="solver.progress"):
        Progress("leakage", 3, stream=io.StringIO()).step("V = +1")
        Progress("leakage", 3, rank=1, stream=io.StringIO()).step("V = -1")
    assert [r.getMessage() for r in caplog.records] == ["[leakage] 1/3 V = +1 (eta 0 s)"]
