"""Provenance recorded in every summary: versions, commit, case hash, command, MPI size, time."""

from __future__ import annotations

import datetime
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from .. import __version__


def git_commit() -> str:
    """The git commit of the interphase source tree (with '+dirty'), or 'unknown'."""
    root = Path(__file__).resolve().parents[2]
    try:
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--",
                                "solver"], capture_output=True, text=True, timeout=5).stdout
        return sha + ("+dirty" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(case_hash: str, mpi_size: int, wall_time_s: float,
               command: list[str] | None = None) -> dict[str, Any]:
    """Everything needed to reproduce a result.

    Args:
        case_hash: sha256 of the case file text and its overrides.
        mpi_size: Number of MPI ranks.
        wall_time_s: Wall time of the run (s).
        command: Command line (default: sys.argv).
    """
    import dolfinx
    import petsc4py
    from petsc4py import PETSc

    major, minor, sub = PETSc.Sys.getVersion()
    return {
        "interphase_version": __version__,
        "git_commit": git_commit(),
        "dolfinx_version": dolfinx.__version__,
        "petsc_version": f"{major}.{minor}.{sub}",
        "petsc4py_version": petsc4py.__version__,
        "python_version": platform.python_version(),
        "case_sha256": case_hash,
        "command": " ".join(command if command is not None else sys.argv),
        "mpi_size": mpi_size,
        "wall_time_s": round(wall_time_s, 3),
        "finished_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
    }
