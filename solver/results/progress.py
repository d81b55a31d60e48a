"""Progress of long work: a one-line bar on a terminal, plain log lines in batch jobs.

:class:`Progress` is driven step by step (bias points, frequencies, time steps);
:class:`solver.sweep.progress.SweepProgress` watches a sweep's records. Both draw with
:func:`bar` and state times with :func:`duration`.
"""

from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger("solver.progress")


class Progress:
    """Report ``done / total`` with an ETA.

    On a terminal (rank 0) the line is redrawn in place; otherwise (batch jobs, files, pipes)
    each step is a plain log line. Other ranks stay silent.

    Args:
        label: What is progressing (e.g. ``"iv 300 K"``).
        total: Number of steps.
        rank: MPI rank of this process.
        stream: Output stream (default stderr).
    """

    def __init__(self, label: str, total: int, rank: int = 0, stream=None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.active = rank == 0
        self.tty = self.active and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = time.perf_counter()

    def step(self, message: str = "") -> None:
        """Mark one step done, with a short message (e.g. the bias and current)."""
        self.done += 1
        if not self.active:
            return
        elapsed = time.perf_counter() - self.t0
        eta = elapsed / self.done * (self.total - self.done)
        text = f"[{self.label}] {self.done}/{self.total} {message} (eta {duration(eta)})"
        if self.tty:
            self.stream.write(f"\r{bar(self.done, self.total)} {text[:110]:<110}")
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            log.info(text)

    def close(self) -> None:
        """End the bar line (if drawn) when stopping early."""
        if self.tty and self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()


def bar(done: int, total: int, width: int = 30) -> str:
    """``#####.....``: ``done`` of ``total`` as a bar of ``width`` characters."""
    fill = min(width, int(width * done / max(total, 1)))
    return "#" * fill + "." * (width - fill)


def duration(s: float) -> str:
    """A time for people: ``42 s``, ``12 min``, ``3.5 h`` (``s`` in seconds)."""
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"
