"""One run per output folder: a lock, and a manifest of the files each run wrote.

``interphase run CASE --out DIR``:

1. checks ``DIR`` (a folder, or a path where one can be made; not a file, a device or a name
   too long for the file system) before anything is solved;
2. takes an exclusive lock on ``DIR/.interphase.lock`` for the whole run: a second run into
   the same folder is refused with one line naming the first one (pid, host, start time);
3. removes the previous run's outputs, listed in ``DIR/.interphase-manifest.json`` (for a
   run that was killed, also the files it made after it started), so no stale file of an
   earlier run survives next to the new ones; files that were in the folder before any run
   (the user's own) are never touched;
4. writes the manifest at the start (``complete: false``) and when the run ends (``complete:
   true`` and the list of files it wrote).
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CaseError
from ..parallel import on_root
from . import lock
from .atomic import write_json

LOCK = ".interphase.lock"
MANIFEST = ".interphase-manifest.json"
FORMAT = "interphase-run-outputs/1"


@contextlib.contextmanager
def claimed(root: str | Path, comm: Any = None,
            command: list[str] | None = None) -> Iterator[OutputFolder]:
    """The output folder of one run, held for the ``with`` block (rank 0 does the work).

    Opens (checks, locks, clears the previous run's files) before the block, errors on every
    rank; records the files written and releases the lock after it, also when it raises.
    """
    folder = OutputFolder(root)
    on_root(comm, lambda: folder.open(command))
    complete = False
    try:
        yield folder
        complete = True
    finally:
        if comm is None or comm.rank == 0:
            folder.finish(complete)
            folder.close()


def _files(root: Path) -> set[str]:
    """Files (relative paths) in ``root`` and its direct sub-folders (a run's whole layout)."""
    out: set[str] = set()
    with contextlib.suppress(OSError):
        for p in root.iterdir():
            if p.name in (LOCK, MANIFEST):
                continue
            if p.is_dir() and not p.is_symlink():
                with contextlib.suppress(OSError):
                    out.update(f"{p.name}/{q.name}" for q in p.iterdir() if not q.is_dir())
            else:
                out.add(p.name)
    return out


def check_out(path: Path) -> None:
    """Refuse an ``--out`` that cannot be an output folder (one line, before any work)."""
    text = str(path)
    if not text.strip():
        raise CaseError("--out: empty folder name")
    long = [p for p in path.parts if len(os.fsencode(p)) > 255]
    if long:
        raise CaseError(f"--out: the name '{long[0][:40]}...' has {len(os.fsencode(long[0]))} "
                        "bytes; file systems allow 255", hint="choose a shorter name")
    try:
        if path.exists() and not path.is_dir():
            kind = "a file" if path.is_file() else "not a folder (a device or special file)"
            raise CaseError(f"--out {text}: {kind}", hint="give a folder for the results")
    except OSError as exc:
        raise CaseError(f"--out {text}: {exc.strerror or exc}",
                        hint="choose another --out") from None


class OutputFolder:
    """The output folder of one ``interphase run`` (use on one process: MPI rank 0).

    Args:
        root: The ``--out`` folder.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._fd: int | None = None
        self._started = 0.0
        self._header: dict[str, Any] = {}

    def open(self, command: list[str] | None = None) -> None:
        """Check and create the folder, lock it, remove the previous run's files.

        Raises:
            CaseError: The path cannot be a folder, cannot be created, or another run holds
                the lock.
        """
        check_out(self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaseError(f"--out {self.root}: cannot create the folder "
                            f"({exc.strerror or exc})", hint="choose another --out") from None
        self._lock()
        try:
            self._remove_previous()
            self._started = time.time()
            self._header = {
                "format": FORMAT, "command": list(command or []), "pid": os.getpid(),
                "host": socket.gethostname(), "started_unix_s": round(self._started, 3),
                "started_utc": datetime.datetime.now(datetime.UTC).isoformat(
                    timespec="seconds")}
            self._write(complete=False, files=[], foreign=sorted(_files(self.root)))
        except BaseException:
            self.close()
            raise

    def finish(self, complete: bool) -> None:
        """Record the files this run wrote (``complete`` when it ended normally)."""
        if self._fd is None:
            return
        old = self._read() or {}
        foreign = set(old.get("foreign", []))
        files = sorted(f for f in _files(self.root) if f not in foreign)
        self._write(complete=complete, files=files, foreign=sorted(foreign))

    def close(self) -> None:
        """Release the lock (the lock file stays, empty)."""
        if self._fd is not None and self._fd >= 0:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
        self._fd = None

    # -- internals ------------------------------------------------------------------------
    def _lock(self) -> None:
        fd = lock.hold(self.root / LOCK, f"another interphase run is writing into {self.root}",
                       "wait for it to finish, or choose another --out")
        self._fd = fd if fd is not None else -1

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None

    def _remove_previous(self) -> None:
        old = self._read()
        if old is None:
            return
        foreign = set(old.get("foreign") or [])
        doomed = set(old.get("files") or [])
        if not old.get("complete"):  # killed: also what it made after its last record
            since = float(old.get("started_unix_s") or 0.0)
            for name in _files(self.root) - foreign:
                with contextlib.suppress(OSError):
                    if (self.root / name).stat().st_mtime >= since - 1.0:
                        doomed.add(name)
        for name in sorted(doomed):
            p = self.root / name
            if ".." in Path(name).parts or p.is_dir():
                continue
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        for sub in {Path(n).parts[0] for n in doomed if len(Path(n).parts) == 2}:
            with contextlib.suppress(OSError):
                (self.root / sub).rmdir()  # only if empty

    def _write(self, *, complete: bool, files: list[str], foreign: list[str]) -> None:
        write_json(self.root / MANIFEST, {**self._header, "complete": complete,
                                          "files": files, "foreign": foreign})
