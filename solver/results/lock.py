"""An exclusive advisory lock on an output folder, naming its holder (one writer at a time).

Used by a run's output folder (:mod:`.folder`) and a sweep's store (:mod:`solver.sweep.store`).
The lock is ``flock`` on a small file that says who holds it (pid, host, since when); a second
writer is refused with that line. On a file system without locks the caller goes on unprotected.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import os
import socket
from pathlib import Path

from ..errors import CaseError


def hold(path: Path, busy: str, hint: str) -> int | None:
    """Take the lock file ``path``; its descriptor (close it to release), or None without locks.

    Args:
        path: The lock file (created with the user's umask).
        busy: The message when another process holds it (its holder line is appended).
        hint: The fix offered with that message.

    Raises:
        CaseError: The folder is not writable, or another process holds the lock.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise CaseError(f"--out {path.parent}: cannot write into the folder "
                        f"({exc.strerror or exc})", hint="choose another --out") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = os.pread(fd, 300, 0).decode(errors="replace").strip()
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise CaseError(busy + (f" ({holder})" if holder else ""), hint=hint) from None
        return None  # a file system without locks: go on unprotected
    os.ftruncate(fd, 0)
    stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n".encode(), 0)
    return fd
