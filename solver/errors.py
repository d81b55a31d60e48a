"""User-facing exceptions: each renders as one line that names the file, key and fix."""

from __future__ import annotations


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
        super().__init__(text)


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


EXIT_USER, EXIT_SOLVER = 2, 3  # command-line exit codes: bad input, solver failure


def run_reporting(func, *args, rank: int = 0) -> int:
    """Call ``func(*args)``; report interphase errors as one line on stderr (rank 0).

    Returns:
        ``func``'s exit code, :data:`EXIT_SOLVER` for a :class:`ConvergenceError`, or
        :data:`EXIT_USER` for any other :class:`InterphaseError`.
    """
    import sys

    try:
        return func(*args)
    except ConvergenceError as exc:
        if rank == 0:
            print(f"interphase: solver error: {exc}", file=sys.stderr)
        return EXIT_SOLVER
    except InterphaseError as exc:
        if rank == 0:
            print(f"interphase: error: {exc}", file=sys.stderr)
        return EXIT_USER
