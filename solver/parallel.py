"""Rank-0 work under MPI whose errors reach every rank (no rank is left waiting for a result)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import CaseError, InterphaseError, one_line


def on_root(comm: Any, fn: Callable[[], Any]) -> Any:
    """``fn()`` on rank 0; its result, or its error, on every rank.

    User errors (:class:`InterphaseError`, and ``OSError`` such as an unwritable ``--out``)
    become a :class:`CaseError` on every rank (the same one-line message); anything else is
    re-raised on rank 0 and a ``RuntimeError`` elsewhere. Collective on ``comm``.

    Args:
        comm: Communicator (``None`` or one rank: just call ``fn``).
        fn: The work, called on rank 0 only.
    """
    if comm is None or comm.size == 1:
        try:
            return fn()
        except OSError as exc:
            raise CaseError(_os_text(exc)) from None
    result: Any = None
    error: BaseException | None = None
    if comm.rank == 0:
        try:
            result = ("ok", fn())
        except InterphaseError as exc:
            result = ("user", str(exc))
        except OSError as exc:
            result = ("user", _os_text(exc))
        except Exception as exc:
            error, result = exc, ("bug", f"{type(exc).__name__}: {exc}")
    result = comm.bcast(result, root=0)
    if result[0] == "user":
        raise CaseError(result[1])
    if result[0] == "bug":
        raise error or RuntimeError(f"rank 0 failed: {result[1]}")
    return result[1]


def _os_text(exc: OSError) -> str:
    what = exc.strerror or type(exc).__name__
    return one_line(f"{what}: {exc.filename}" if exc.filename else what)
