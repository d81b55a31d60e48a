"""Atomic file output: write to a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def _umask() -> int:
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (readers see the old or the new file, never half).

    The file gets the permissions ``open`` would give a new file (0666 less the umask, so
    usually rw-r--r--), not the owner-only 0600 of the temporary file it is renamed from.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    write_bytes(path, text.encode("utf-8"))


def _clean(obj: Any) -> Any:
    """Make ``obj`` JSON-safe: numpy scalars/arrays to Python, non-finite floats to None."""
    if hasattr(obj, "tolist"):
        obj = obj.tolist()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def write_json(path: str | Path, data: Any) -> None:
    """Write ``data`` as indented JSON atomically (NaN/inf become null)."""
    write_text(path, json.dumps(_clean(data), indent=2, sort_keys=False) + "\n")


def write_csv(path: str | Path, columns: Mapping[str, Sequence[Any]]) -> None:
    """Write equal-length columns as CSV atomically; header = column names (with units)."""
    names = list(columns)
    rows = zip(*(columns[n] for n in names))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for row in rows:
        w.writerow([f"{v:.10g}" if isinstance(v, float) else v for v in row])
    write_text(path, buf.getvalue())
