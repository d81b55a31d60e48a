"""Shared pieces of the fuzz suite (tests/fuzz/): the hypothesis profile, hostile values, a TOML
writer for mutated documents, a per-input time limit and the outcome check.

Every fuzz test feeds generated inputs through the code path of a user's command, in process,
and asserts: only :class:`InterphaseError` escapes (no traceback), its message is one line, no
input takes longer than :data:`LIMIT_S` (no hang), and inputs of a known-invalid class are
refused (none accepted).
"""

from __future__ import annotations

import contextlib
import json
import math
import signal
import tomllib
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from helpers import CASES
from solver.errors import InterphaseError
from solver.sweep.points import toml_value

#: the profile of every fuzz test: reproducible (derandomized, no example database), no
#: deadline (the time limit below bounds each input instead)
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

#: longest an input may take (s); more counts as a hang
LIMIT_S = 20.0

CASE_FILES = ("si_pn_diode.toml", "onchip_diode.toml", "pellet_bare.toml", "seed_stack.toml",
              "pellet_impedance.toml", "li_galvanostatic.toml", "pellet_chronoamperometry.toml")


class Hang(BaseException):
    """An input ran longer than :data:`LIMIT_S` (a BaseException: no ``except Exception``
    in the code under test can swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float = LIMIT_S) -> Iterator[None]:
    """Raise :class:`Hang` if the block runs longer than ``seconds`` (main thread, serial)."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds:g} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, old)


def outcome(call: Callable[[], Any]) -> str | None:
    """Run ``call`` under the time limit: None if it was accepted, else its one-line error.

    Anything but an :class:`InterphaseError` (a traceback for a user) propagates and fails the
    test; so does a :class:`Hang`.
    """
    with time_limit():
        try:
            call()
        except InterphaseError as exc:
            message = str(exc)
            assert "\n" not in message and "\r" not in message, message
            assert len(message) < 1200, message
            return message
    return None


def base_documents() -> dict[str, dict[str, Any]]:
    """The shipped 1D cases as parsed documents."""
    return {f: tomllib.loads((CASES / f).read_text()) for f in CASE_FILES}


def dump(doc: dict[str, Any]) -> str:
    """A document as TOML (every top-level key a ``key = value`` line, tables inline)."""
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in doc.items())


def leaves(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """``(path, value)`` of every scalar / list leaf (paths into tables and arrays of tables)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    elif isinstance(node, list) and node and all(isinstance(v, dict) for v in node):
        for i, v in enumerate(node):
            yield from leaves(v, (*path, i))
    else:
        yield path, node


def parent_of(doc: Any, path: tuple) -> Any:
    node = doc
    for p in path[:-1]:
        node = node[p]
    return node


_finite = st.floats(allow_nan=False, allow_infinity=False)
_scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), _finite.map(lambda x: x * 1e300),
    st.integers(-10**400, 10**400), st.integers(-10, 10), st.booleans(),
    st.text(max_size=40), st.sampled_from(["", "a\nb", "Si", "left", "iv", "\x00", "é" * 200,
                                           "1e5", "nan"]),
    st.sampled_from([0, -0.0, 5e-324, 1e-300, 1e300, 1e15, 1.0000001, 1e5, 2**63, 1e23]))
#: hostile values: any TOML-representable type and size, nested up to 12 levels
hostile = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(
        ["start", "stop", "step", "num", "values", "a", "kind", "name", "value"]), inner,
        max_size=3)), max_leaves=12)


def scaled(value: Any, exponent: int) -> Any:
    """``value * 10**exponent`` for numbers (overflowing to inf), else the value itself."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    try:
        return float(value) * 10.0 ** exponent
    except OverflowError:
        return math.inf
