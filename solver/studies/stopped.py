"""What a study run leaves when it is stopped: summary.json says why, and what it kept.

A run stopped by Ctrl-C / SIGTERM (``interrupted``) or an error (``failed``) rewrites its
summary.json, on rank 0, with that status, the reason and the number of temperatures whose
results it holds; an interruption is re-raised as :class:`Interrupted` carrying that count for
the command's one-line report.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

from ..errors import Interrupted, one_line
from ..results.atomic import write_json
from ..results.provenance import provenance


def stopped_status(exc: BaseException) -> str:
    """Status of a run that ``exc`` stopped: ``interrupted`` (a signal) or ``failed``."""
    return "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"


def write_stopped(out: Path, head: dict[str, Any], started: bool, exc: BaseException,
                  source_hash: str, ranks: int, t0: float, command: list[str] | None) -> int:
    """Rewrite ``out/summary.json`` after ``exc`` stopped the run (call on rank 0).

    Args:
        out: The study's output folder.
        head: Keys of a summary written from scratch (``case``, ``study``).
        started: Whether this run finished a temperature (else its summary is not read back).
        exc: What stopped it.
        source_hash: The case's sha256 (provenance).
        ranks: MPI ranks (provenance).
        t0: ``time.perf_counter()`` at the start (provenance).
        command: Command line (provenance).

    Returns:
        The number of temperatures whose results the summary holds.
    """
    path = out / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8")) if started else {}
    except (OSError, ValueError):
        summary = {}
    if not isinstance(summary, dict) or not summary:
        summary = {**head, "per_temperature": [], "temperature_K": []}
    kept = len(summary.get("per_temperature") or [])
    summary.update({"status": stopped_status(exc), "stopped": one_line(exc) or
                    type(exc).__name__, "temperatures_finished": kept,
                    "provenance": provenance(source_hash, ranks, time.perf_counter() - t0,
                                             command)})
    out.mkdir(parents=True, exist_ok=True)
    write_json(path, summary)
    return kept


def reraise(exc: BaseException, kept: int, total: int, out: Path) -> None:
    """Re-raise ``exc``; an interruption as :class:`Interrupted` saying what was kept."""
    if isinstance(exc, KeyboardInterrupt) and not getattr(exc, "detail", ""):
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        raise Interrupted(signum, f"{kept} of {total} temperature(s) finished and kept in "
                          f"{out}/") from None
    raise exc
