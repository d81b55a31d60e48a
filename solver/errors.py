"""User-facing exceptions: each renders as one line that names the file, key and fix."""

from __future__ import annotations

from typing import Any


class InterphaseError(Exception):
    """Base class for errors reported to users as one line (CLI exit code 2, no traceback)."""


class CaseError(InterphaseError):
    """A case or study file is invalid.

    Args:
        message: What is wrong.
        file: The file the problem is in.
        key: The dotted key path (e.g. ``layers[1].thickness_nm``).
        hint: How to fix it.
    """

    def __init__(
        self, message: str, *, file: str | None = None, key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file, self.key, self.hint = file, key, hint
        where = ": ".join(p for p in (file, key) if p)
        text = f"{where}: {message}" if where else message
        if hint:
            text += f" ({hint})"
        super().__init__(one_line(text))


class MaterialError(InterphaseError):
    """A material's data are missing or non-physical (names the material and field)."""


class ConvergenceError(InterphaseError):
    """A nonlinear solve or a continuation failed.

    Args:
        message: What failed, including PETSc's reason and what was tried.
        reason: PETSc's SNES converged-reason code (negative on divergence).
    """

    def __init__(self, message: str, *, reason: int = 0) -> None:
        self.reason = reason
        super().__init__(message)


#: command-line exit codes: bad input (or an unusable file / folder), a solve that did not
#: converge, an internal error (the traceback goes to a log file); an interrupted command exits
#: with 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM)
EXIT_USER, EXIT_SOLVER, EXIT_INTERNAL = 2, 3, 4


class Interrupted(KeyboardInterrupt):
    """The command was interrupted by a signal (Ctrl-C = SIGINT, or SIGTERM).

    Args:
        signum: The signal number.
        detail: What was kept (e.g. which temperatures finished), for the one-line report.
    """

    def __init__(self, signum: int, detail: str = "") -> None:
        self.signum, self.detail = signum, detail
        super().__init__(detail)


def one_line(text: object, limit: int = 1000) -> str:
    """``text`` as one printable line: control characters escaped, long texts cut in the middle.

    Args:
        text: A message (or an exception).
        limit: Longest result (characters).
    """
    s = str(text)
    out = "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in s)
    if len(out) > limit:
        half = (limit - 5) // 2
        out = f"{out[:half]} ... {out[-half:]}"
    return out


def shown(v: Any, width: int = 40) -> str:
    """``repr(v)`` cut to ``width`` characters (messages never echo a huge value whole)."""
    text = repr(v)
    return text if len(text) <= width else text[: width - 3] + "..."
