"""PNG pictures drawn by a helper process, off the solver's critical path.

Drawing a matplotlib figure costs ~0.1 s of pure Python, and importing matplotlib ~0.3 s; in a
run that solves for a few seconds that is a large share, although nothing waits for the
pictures. So rank 0 hands each picture (the name of a :mod:`solver.results.plots` function and
its arguments) to ``python -m solver.results.painter``, started at the first picture, and goes
on solving; the painter draws them in order, each file written atomically as always. A writer
thread feeds the pipe, so a busy painter never blocks the solver. :func:`finish` (called when
a run ends) waits for the pictures queued so far; the painter serves the process's later runs
too and ends with it. A painter that fails (or cannot start)
is a warning: the results stand without their pictures. Pictures are drawn in the solver's
process instead where no core is left for a painter (as many MPI ranks as usable cores) or
with ``INTERPHASE_PICTURES=inline``.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

_HEADER = struct.Struct("<Q")  # length of each pickled job


def _inline() -> bool:
    """Draw in this process: asked for, or no core left for a painter."""
    return os.environ.get("INTERPHASE_PICTURES", "") == "inline" or not spare_core()


def spare_core() -> bool:
    """Whether the run leaves a usable core free: fewer MPI ranks than cores (a local query)."""
    mpi = sys.modules.get("mpi4py.MPI")
    ranks = mpi.COMM_WORLD.size if mpi is not None and mpi.Is_initialized() else 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return ranks < cores


class Painter:
    """The helper process and the queue of pictures it has still to draw.

    One painter serves every run of a process (its matplotlib is imported once): :meth:`finish`
    waits for the pictures queued so far, :meth:`close` (at exit) ends it.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._writer: threading.Thread | None = None
        self._errors: Any = None  # the painter's stderr (a temporary file)
        self._seen = 0  # how much of it has been reported
        self.submitted = 0  # pictures asked for
        self.started = 0  # painter processes started

    def draw(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Draw ``solver.results.plots.<name>(*args, **kwargs)``, in the painter if possible."""
        self.submitted += 1
        if _inline() or not self._started():
            try:
                _draw(name, args, kwargs)
            except Exception as exc:  # as in the painter: the results stand without it
                log.warning("picture %s not drawn: %s: %s", name, type(exc).__name__, exc)
            return
        self._jobs.put(pickle.dumps((name, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))

    def _started(self) -> bool:
        if self._proc is not None:
            return self._proc.poll() is None
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._errors, self._seen = tempfile.TemporaryFile(), 0
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "solver.results.painter"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=self._errors, env=env)
        except OSError as exc:
            log.warning("pictures drawn in this process: no painter process (%s)", exc)
            self._proc = None
            return False
        self.started += 1
        self._jobs = queue.Queue()
        self._writer = threading.Thread(target=self._feed, args=(self._proc, self._jobs),
                                        name="painter-feed", daemon=True)
        self._writer.start()
        return True

    @staticmethod
    def _feed(proc: subprocess.Popen, jobs: queue.Queue) -> None:
        stream = proc.stdin
        while True:
            job = jobs.get()
            if job is None:
                break
            try:
                stream.write(_HEADER.pack(len(job)) + job)
                stream.flush()
            except OSError:  # the painter died: finish() / close() report why
                break
        try:
            stream.close()
        except OSError:
            pass

    def _news(self) -> str:
        """The last line the painter wrote to its stderr since the previous report."""
        self._errors.seek(self._seen)
        text = self._errors.read()
        self._seen += len(text)
        lines = text.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no message"

    def finish(self, timeout_s: float = 600.0) -> None:
        """Wait until every picture submitted so far is drawn; warn about any that failed."""
        proc = self._proc
        if proc is None:
            return
        self._jobs.put(b"")  # a sync: the painter answers once it has drawn everything before
        ready, _, _ = select.select([proc.stdout], [], [], timeout_s)
        answer = proc.stdout.read(_HEADER.size) if ready else b""
        if len(answer) != _HEADER.size:  # died or hung: end it, the next picture restarts one
            self.close(timeout_s=5.0)
            return
        failed = _HEADER.unpack(answer)[0]
        if failed:
            log.warning("%d picture(s) not drawn: %s", failed, self._news())

    def close(self, timeout_s: float = 600.0) -> None:
        """End the painter after the pictures queued so far (at exit)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._jobs.put(None)  # the writer closes the painter's input: it draws the rest, exits
        try:
            code = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = "timeout"
        self._writer.join()
        if code != 0:
            log.warning("some pictures were not drawn (painter exit %s): %s", code, self._news())
        proc.stdout.close()
        self._errors.close()


_painter = Painter()
atexit.register(_painter.close)


def draw(name: str, *args: Any, **kwargs: Any) -> None:
    """Queue ``solver.results.plots.<name>(*args, **kwargs)`` (see the module docstring)."""
    _painter.draw(name, *args, **kwargs)


def finish() -> None:
    """Wait for the pictures queued so far (the end of a run)."""
    _painter.finish()


def _draw(name: str, args: tuple, kwargs: dict) -> None:
    from . import plots

    getattr(plots, name)(*args, **kwargs)


def _read(stream: BinaryIO, n: int) -> bytes | None:
    data = stream.read(n)
    return data if len(data) == n else None


def _main() -> int:
    """The painter: draw the jobs on standard input until it closes; 1 if any failed.

    An empty job is a sync: it answers on standard output with the number of pictures that
    failed since the previous sync (anything else printed goes to standard error).
    """
    stream, failed, since = sys.stdin.buffer, 0, 0
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints must not enter the answers
    while (head := _read(stream, _HEADER.size)) is not None:
        size = _HEADER.unpack(head)[0]
        if size == 0:
            answers.write(_HEADER.pack(since))
            answers.flush()
            since = 0
            continue
        job = _read(stream, size)
        if job is None:
            break
        name, args, kwargs = pickle.loads(job)
        try:
            _draw(name, args, kwargs)
        except Exception:  # one broken picture must not cost the others
            failed, since = failed + 1, since + 1
            traceback.print_exc()
            print(f"picture {name} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_main())
