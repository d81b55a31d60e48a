"""Small MPI and process helpers of the sweep: errors from rank 0, a sleeping barrier, SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mpi4py import MPI

from ..errors import CaseError, InterphaseError

log = logging.getLogger("solver.sweep")


def on_root(comm: MPI.Comm, fn: Callable[[], Any]) -> Any:
    """``fn()`` on rank 0; its result, or its error, on every rank (no rank is left waiting).

    User errors (:class:`InterphaseError`, and ``OSError`` such as an unwritable ``--out``)
    become a :class:`CaseError` on every rank; anything else is re-raised on rank 0 and a
    ``RuntimeError`` elsewhere.
    """
    result: Any = None
    error: BaseException | None = None
    if comm.rank == 0:
        try:
            result = ("ok", fn())
        except (InterphaseError, OSError) as exc:
            result = ("user", str(exc))
        except Exception as exc:
            error, result = exc, ("bug", f"{type(exc).__name__}: {exc}")
    result = comm.bcast(result, root=0)
    if result[0] == "user":
        raise CaseError(result[1])
    if result[0] == "bug":
        raise error or RuntimeError(f"sweep set-up failed on rank 0: {result[1]}")
    return result[1]


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
