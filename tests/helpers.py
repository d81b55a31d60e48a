"""Helpers shared by tests (importable as ``helpers``; tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "cases"


def diode_toml(NA: float = 1e17, ND: float = 1e16, thickness_nm: float = 1000.0,
               study: str = 'kind = "equilibrium"', extra: str = "",
               temperature: float = 300.0, material: str = "Si") -> str:
    """A two-layer silicon diode case (p on the left)."""
    return f"""
name = "diode"
temperature_K = {temperature}
[[layers]]
name = "p"
material = "{material}"
thickness_nm = {thickness_nm}
acceptors_cm3 = {NA}
[[layers]]
name = "n"
material = "{material}"
thickness_nm = {thickness_nm}
donors_cm3 = {ND}
[contacts.left]
kind = "ohmic"
[contacts.right]
kind = "ohmic"
[study]
{study}
{extra}
"""


def one_line_error(call: Callable[[], Any], *fragments: str) -> str:
    """The CaseError message of ``call()``: one line that contains every fragment."""
    import pytest

    from solver.errors import CaseError

    with pytest.raises(CaseError) as exc:
        call()
    msg = str(exc.value)
    assert "\n" not in msg
    for f in fragments:
        assert f in msg, msg
    return msg
