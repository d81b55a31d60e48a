"""PNG pictures drawn by a helper process, off the solver's critical path.

Drawing a matplotlib figure costs ~0.1 s of pure Python, and importing matplotlib ~0.3 s; in a
run that solves for a few seconds that is a large share, although nothing waits for the
pictures. So rank 0 hands each picture (the name of a :mod:`solver.results.plots` function and
its arguments) to ``python -m solver.results.painter``, started at the first picture, and goes
on solving; the painter draws them in order, each file written atomically as always. A writer
thread feeds the pipe, so a busy painter never blocks the solver. :func:`finish` (called when
a run ends, and at exit) waits for the last pictures. A painter that fails (or cannot start)
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
    """The helper process and the queue of pictures it has still to draw."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._jobs: queue.Queue = queue.Queue()
        self._writer: threading.Thread | None = None
        self._errors: Any = None  # the painter's stderr (a temporary file)
        self.submitted = 0

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
        self._errors = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "solver.results.painter"],
                                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=self._errors, env=env)
        except OSError as exc:
            log.warning("pictures drawn in this process: no painter process (%s)", exc)
            self._proc = None
            return False
        self._writer = threading.Thread(target=self._feed, name="painter-feed", daemon=True)
        self._writer.start()
        return True

    def _feed(self) -> None:
        stream = self._proc.stdin
        while True:
            job = self._jobs.get()
            if job is None:
                break
            try:
                stream.write(_HEADER.pack(len(job)) + job)
                stream.flush()
            except OSError:  # the painter died: finish() reports why
                break
        try:
            stream.close()
        except OSError:
            pass

    def finish(self, timeout_s: float = 600.0) -> None:
        """Wait until every picture submitted so far is drawn; warn if the painter failed."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        self._jobs.put(None)
        self._writer.join()
        try:
            code = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = "timeout"
        self._errors.seek(0)
        text = self._errors.read().decode(errors="replace").strip()
        self._errors.close()
        if code != 0:
            last = (text.splitlines() or ["no message"])[-1]
            log.warning("some pictures were not drawn (painter exit %s): %s", code, last)
        self._jobs = queue.Queue()


_painter = Painter()
atexit.register(_painter.finish)


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
    """The painter: draw the jobs on standard input until it closes; 1 if any failed."""
    stream, failed = sys.stdin.buffer, 0
    while (head := _read(stream, _HEADER.size)) is not None:
        job = _read(stream, _HEADER.unpack(head)[0])
        if job is None:
            break
        name, args, kwargs = pickle.loads(job)
        try:
            _draw(name, args, kwargs)
        except Exception:  # one broken picture must not cost the others
            failed += 1
            traceback.print_exc()
            print(f"picture {name} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(_main())
