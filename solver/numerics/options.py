"""PETSc options typed by users (``--petsc "-snes_monitor -ksp_type gmres"``) as a dict."""

from __future__ import annotations

import shlex

from ..errors import InterphaseError


def parse_petsc(text: str) -> dict[str, str]:
    """Parse ``"-snes_monitor -ksp_type gmres"`` into ``{"snes_monitor": "", ...}``."""
    opts: dict[str, str] = {}
    tokens = shlex.split(text or "")
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.startswith("-") or len(tok) < 2:
            raise InterphaseError(f"--petsc: expected an option like -snes_monitor, got '{tok}'")
        key, value = tok.lstrip("-"), ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and (not nxt.startswith("-") or _is_number(nxt)):
            value, i = nxt, i + 1
        opts[key] = value
        i += 1
    return opts


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False
