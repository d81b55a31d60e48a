"""Sweep progress on rank 0 and per-rank log files.

:class:`SweepProgress` watches ``records/`` from a background thread, so it sees the points of
every group: on a terminal it redraws one bar line (done / total, failed, ETA); in batch jobs it
writes plain time-stamped log lines. :func:`rank_logging` sends everything the solver logs on a
rank (and any stray stderr output of a point) to ``logs/rank-NNNN.log``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..results.progress import bar, duration

log = logging.getLogger("solver.sweep")


class BarAwareHandler(logging.StreamHandler):
    """A stream handler that starts on a fresh line when a progress bar is drawn."""

    def __init__(self, stream: IO[str], tty: bool) -> None:
        super().__init__(stream)
        self.tty = tty

    def emit(self, record: logging.LogRecord) -> None:  # noqa: D102
        if record.name.startswith("solver.sweep.point") and record.levelno < logging.ERROR:
            return  # the point's own lines are in the rank log
        if self.tty:
            self.stream.write("\r\033[K")
        super().emit(record)


class SweepProgress:
    """Progress of a sweep: count finished records, report done / total and an ETA.

    Args:
        records: The store's records folder.
        ids: Ids of all points.
        already: Ids finished before this run.
        stream: Terminal or log stream (rank 0's original stderr).
        interval: Seconds between looks at the folder on a terminal (batch jobs look every
            ``log_every`` seconds, at most every 5 s: large folders on parallel file systems).
        log_every: Batch mode: seconds between log lines (a failure is logged at once).
    """

    def __init__(self, records: Path, ids: list[str], already: set[str], stream: IO[str],
                 interval: float = 0.5, log_every: float = 10.0) -> None:
        self.records, self.ids, self.seen = records, set(ids), set(already)
        self.total, self.start_done = len(ids), len(already)
        self.failed = 0
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.log_every = log_every
        self.interval = interval if self.tty else max(interval, min(log_every, 5.0))
        self.t0 = time.perf_counter()
        self._last_log = -1e9
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sweep-progress", daemon=True)

    def start(self) -> SweepProgress:
        """Start watching (returns self)."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Take a last look, report, and end the bar line."""
        self._stop.set()
        self._thread.join()
        self.poll(final=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception as exc:  # never let progress reporting kill the sweep
                log.debug("progress: %s", exc)

    def poll(self, final: bool = False) -> None:
        """Read the new records and report if something changed (or ``final``)."""
        new = []
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.records):
                pid = entry.name[:-5]
                if entry.name.endswith(".json") and pid in self.ids and pid not in self.seen:
                    new.append((pid, entry.path))
        for pid, path in sorted(new):
            self.seen.add(pid)
            rec = _read(path)
            if rec.get("status") == "failed":
                self.failed += 1
                log.warning("%s failed: %s", pid, rec.get("reason"))
        now = time.perf_counter()
        if self.tty:
            self._draw()
        elif final or (new and now - self._last_log >= self.log_every):
            self._last_log = now
            log.info("%s", self.text())

    def text(self) -> str:
        """``12/40 points done (1 failed), 3.1 points/min, eta 5 min``."""
        done, elapsed = len(self.seen), time.perf_counter() - self.t0
        ran = done - self.start_done
        parts = [f"{done}/{self.total} points done"]
        if self.failed:
            parts[0] += f" ({self.failed} failed)"
        if ran > 0 and elapsed > 0:
            rate = ran / elapsed
            parts.append(f"{rate * 60:.3g} points/min")
            if done < self.total:
                parts.append(f"eta {duration((self.total - done) / rate)}")
        return ", ".join(parts)

    def _draw(self) -> None:
        self.stream.write(f"\r\033[K[sweep] {bar(len(self.seen), self.total)} {self.text()}")
        self.stream.flush()


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def terminal() -> IO[str]:
    """Where rank 0 reports: stderr, or stdout if only that is a terminal (as under mpirun)."""
    for stream in (sys.stderr, sys.stdout):
        if hasattr(stream, "isatty") and stream.isatty():
            return stream
    return sys.stderr


class _OnlyErrors(logging.Filter):
    """On terminal handlers during a sweep: point chatter goes to the rank logs only."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR and not record.name.startswith("solver.sweep")


@contextlib.contextmanager
def rank_logging(path: Path, rank: int, verbose: bool = False) -> Iterator[IO[str]]:
    """Log the solver to ``path`` on this rank; rank 0 also reports the sweep on the terminal.

    Yields:
        The log file as a text stream (points redirect stray stderr output to it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    ours, sweep = logging.getLogger("solver"), logging.getLogger("solver.sweep")
    fh = open(path, "a", encoding="utf-8", buffering=1)
    handler = logging.StreamHandler(fh)
    handler.setFormatter(logging.Formatter(
        f"%(asctime)s rank {rank} %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    stream = terminal() if rank == 0 else sys.stderr
    tty = stream.isatty() if hasattr(stream, "isatty") else False
    term = BarAwareHandler(stream, tty)
    term.setLevel(logging.INFO if rank == 0 else logging.WARNING)
    term.setFormatter(logging.Formatter("%(message)s" if tty else
                                        "%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    quiet = _OnlyErrors()
    bars = logging.getLogger("solver.progress")  # per-bias lines of each point: verbose only
    saved = (ours.level, sweep.level, sweep.handlers, bars.level)
    bars.setLevel(logging.NOTSET if verbose else logging.WARNING)
    for h in ours.handlers:
        h.addFilter(quiet)
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG if verbose else logging.INFO)
    sweep.handlers = [term]
    sweep.setLevel(logging.NOTSET)
    try:
        yield fh
    finally:
        ours.removeHandler(handler)
        for h in ours.handlers:
            h.removeFilter(quiet)
        ours.level, sweep.level, sweep.handlers, bars.level = saved
        fh.close()
