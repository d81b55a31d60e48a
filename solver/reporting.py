"""The commands' last line of defence: every exception becomes one line and an exit code.

:func:`run_reporting` runs a command and turns what escapes it into one line on stderr:

- :class:`ConvergenceError`: ``interphase: solver error: ...``, exit 3;
- any other :class:`InterphaseError`, and an ``OSError`` (a file or folder that cannot be read
  or written): ``interphase: error: ...``, exit 2;
- Ctrl-C or SIGTERM (:class:`Interrupted`): ``interphase: interrupted (SIGINT) ...``, exit
  128 + the signal number;
- anything else is a bug: ``interphase: internal error: ...`` naming a log file that holds the
  traceback (in the output folder, else the temporary folder), exit 4.

Under MPI a failing rank first waits (a few seconds, on a communicator of its own) for the
others to reach the end too, which they do when the error is collective (every rank loaded the
same bad case); then the ranks agree on one message and code. A rank whose error the others
never see (they wait in a collective operation for it) aborts the whole job instead of hanging.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import (
    EXIT_INTERNAL,
    EXIT_SOLVER,
    EXIT_USER,
    ConvergenceError,
    InterphaseError,
    Interrupted,
    one_line,
)

#: seconds a failing rank waits for the other ranks before it aborts the job
AGREE_TIMEOUT_S = 10.0


def raise_on_sigterm() -> None:
    """Make SIGTERM raise :class:`Interrupted` (like Ctrl-C raises KeyboardInterrupt)."""

    def handler(signum: int, frame: Any) -> None:
        signal.signal(signum, signal.SIG_DFL)  # a second SIGTERM kills as usual
        raise Interrupted(signum)

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (tests calling main() from threads)
        pass


def _os_error(exc: OSError) -> str:
    what = exc.strerror or exc.__class__.__name__
    where = f": {exc.filename}" if exc.filename else ""
    return one_line(f"{what}{where}")


def _log_file(log_dir: Path | None, rank: int) -> Path | None:
    """Write the current exception's traceback to a log; its path (None if nothing writable)."""
    name = "interphase-error.log" if rank == 0 else f"interphase-error-rank{rank}.log"
    text = f"interphase {' '.join(sys.argv)}\n\n{traceback.format_exc()}"
    for folder in ([log_dir] if log_dir is not None else []) + [Path(tempfile.gettempdir())]:
        path = folder / (name if folder == log_dir else f"interphase-error-{os.getpid()}.log")
        try:
            if folder.is_dir():
                path.write_text(text, encoding="utf-8")
                return path
        except OSError:
            continue
    return None


def _interrupted(exc: KeyboardInterrupt) -> tuple[int, str]:
    """Exit code and message of a run stopped by a signal.

    Further Ctrl-C are ignored from here: the run is over, and a signal that arrived while a C
    extension initialised can still be pending in the interpreter (it would kill the process
    at exit, exit -2 instead of 130, after the one-line report).
    """
    with contextlib.suppress(ValueError):  # not the main thread: nothing pending there
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    signum = getattr(exc, "signum", signal.SIGINT)
    detail = getattr(exc, "detail", "")
    name = signal.Signals(signum).name
    return 128 + signum, one_line(f"interphase: interrupted ({name})"
                                  + (f": {detail}" if detail else ""))


def _interrupt_cause(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt an exception was raised from (its cause / context chain), if any."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, KeyboardInterrupt):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def outcome(func: Callable[..., int], args: tuple, rank: int = 0,
            log_dir: Callable[[], Path | None] | None = None) -> tuple[int, str | None]:
    """Run ``func(*args)``; ``(exit code, one-line message or None)``, never raising."""
    try:
        return int(func(*args) or 0), None
    except ConvergenceError as exc:
        return EXIT_SOLVER, f"interphase: solver error: {one_line(exc)}"
    except InterphaseError as exc:
        return EXIT_USER, f"interphase: error: {one_line(exc)}"
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except OSError as exc:
        return EXIT_USER, f"interphase: error: {_os_error(exc)}"
    except Exception as exc:  # a bug: the traceback goes to a file, the user gets one line
        cause = _interrupt_cause(exc)
        if cause is not None:  # e.g. ImportError "initialization failed" of a C extension
            return _interrupted(cause)  # that a Ctrl-C or SIGTERM stopped while loading
        folder = None
        try:
            folder = log_dir() if log_dir is not None else None
        except Exception:  # the log folder is a convenience
            folder = None
        path = _log_file(folder, rank)
        where = f"the traceback is in {path}" if path else "no log file could be written"
        kind = "out of memory" if isinstance(exc, MemoryError) else "internal error"
        return EXIT_INTERNAL, one_line(f"interphase: {kind}: {type(exc).__name__}: {exc} "
                                       f"({where}; please report it)")


def run_reporting(func: Callable[..., int], *args: Any, rank: int = 0, comm: Any = None,
                  log_dir: Callable[[], Path | None] | None = None) -> int:
    """Call ``func(*args)`` and report what escapes it as one line on stderr (see the module).

    Args:
        func: The command; returns its exit code.
        *args: Its arguments.
        rank: MPI rank (only rank 0 prints, unless the ranks disagree).
        comm: A communicator used only here (a ``Dup`` of COMM_WORLD) under MPI, else None.
        log_dir: Where to write the traceback of an internal error (default: a temp folder).

    Returns:
        The exit code (the same on every rank that returns).
    """
    code, message = outcome(func, args, rank, log_dir)
    if comm is not None and comm.size > 1:
        code, message = _agree(comm, code, message)
    if message:
        print(message, file=sys.stderr, flush=True)
    return code


def _agree(comm: Any, code: int, message: str | None) -> tuple[int, str | None]:
    """Wait for every rank; one message (rank 0's, or the first failing rank's) and one code."""
    req = comm.Ibarrier()
    deadline = time.monotonic() + AGREE_TIMEOUT_S if code else None
    while not req.Test():
        if deadline is not None and time.monotonic() > deadline:
            print(f"{message} [rank {comm.rank}; the other ranks do not answer: aborting]",
                  file=sys.stderr, flush=True)
            from mpi4py import MPI

            MPI.COMM_WORLD.Abort(code)
        time.sleep(0.01)
    results = comm.allgather((code, message))
    failed = [(r, c, m) for r, (c, m) in enumerate(results) if c]
    if not failed:
        return 0, None
    r, c, m = failed[0]
    if comm.rank != 0:
        return c, None
    return c, m if r == 0 or m is None else f"{m} [rank {r}]"
