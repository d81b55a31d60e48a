"""Small MPI and process helpers of the sweep: a sleeping barrier, SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from mpi4py import MPI

from ..parallel import on_root

__all__ = ["on_root", "sigterm_note", "sleepy_barrier"]

log = logging.getLogger("solver.sweep")


def sleepy_barrier(comm: MPI.Comm, poll: float = 0.05) -> None:
    """A barrier that sleeps instead of spinning (idle ranks leave the cores to the others)."""
    req = comm.Ibarrier()
    while not req.Test():
        time.sleep(poll)


@contextlib.contextmanager
def sigterm_note(root: Path) -> Iterator[None]:
    """Log SIGTERM (Slurm's time limit, scancel) before dying of it as usual."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def note(signum, frame):
        log.warning("terminated by signal %d: finished points are kept; re-run the same "
                    "command to resume (%s)", signum, root)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    old = signal.signal(signal.SIGTERM, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
