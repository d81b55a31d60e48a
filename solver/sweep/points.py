"""Points of a parameter study: grids, lists and Latin-hypercube / Sobol samples.

A point is an ordered mapping ``dotted.case.key -> value``; it reaches the case as ``--set``
overrides (``key=<TOML value>``), so any case key can be swept. Values are plain Python
(numbers, strings, booleans, lists, tables) and survive the TOML round trip exactly
(:func:`toml_value`).
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_value(value: Any) -> str:
    """Render ``value`` as a TOML value (inverse of ``tomllib.loads(f"v = {text}")["v"]``).

    Floats use ``repr`` (shortest exact round trip), so a swept value reaches the case exactly.

    Args:
        value: A bool, int, float, str, list or mapping of these.

    Returns:
        TOML text of the value.
    """
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return "nan"
        return repr(float(value))  # numpy 2 reprs np.float64 as "np.float64(...)"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Mapping):
        items = (f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if hasattr(value, "item"):  # numpy scalar
        return toml_value(value.item())
    raise TypeError(f"cannot write {value!r} as a TOML value")


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def set_strings(overrides: Mapping[str, Any]) -> list[str]:
    """``--set`` strings ``key=<TOML value>`` of an ordered mapping of overrides."""
    return [f"{k}={toml_value(v)}" for k, v in overrides.items()]


def grid_points(axes: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Full-factorial points; the first key varies slowest (``itertools.product`` order).

    Args:
        axes: Key -> the values of that axis (non-empty).

    Returns:
        One mapping per point.
    """
    keys = list(axes)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(axes[k] for k in keys))]


def list_points(columns: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Points from equal-length columns: point i takes the i-th value of every key."""
    keys = list(columns)
    n = len(columns[keys[0]])
    return [{k: columns[k][i] for k in keys} for i in range(n)]


def unit_sample(method: str, n: int, dim: int, seed: int) -> np.ndarray:
    """``n`` points in the unit cube ``[0, 1)^dim``.

    Args:
        method: ``"lhs"`` (Latin hypercube) or ``"sobol"`` (scrambled Sobol sequence).
        n: Number of points (>= 1); Sobol's balance is best for powers of two.
        dim: Number of dimensions (>= 1).
        seed: Random seed; the same seed gives the same points.

    Returns:
        Array of shape ``(n, dim)``.
    """
    from scipy.stats import qmc

    cls = {"lhs": qmc.LatinHypercube, "sobol": qmc.Sobol}[method]
    try:
        engine = cls(d=dim, seed=seed)
    except TypeError:  # SciPy >= 1.15 spells it rng
        engine = cls(d=dim, rng=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Sobol: "balance properties ... powers of 2"
        return np.asarray(engine.random(n), dtype=float)


def sample_points(method: str, n: int, seed: int, bounds: Mapping[str, tuple[float, float]],
                  log: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Latin-hypercube or Sobol points inside ``bounds`` (log-uniform for keys in ``log``).

    Args:
        method: ``"lhs"`` or ``"sobol"``.
        n: Number of points.
        seed: Random seed.
        bounds: Key -> ``(low, high)``.
        log: Keys sampled uniformly in log10 (their bounds must be > 0).

    Returns:
        One mapping per point (Python floats).
    """
    keys = list(bounds)
    u = unit_sample(method, n, len(keys), seed)
    out = []
    for row in u:
        point = {}
        for k, x in zip(keys, row):
            lo, hi = bounds[k]
            if k in log:
                a, b = math.log10(lo), math.log10(hi)
                value = 10.0 ** (a + float(x) * (b - a))
            else:
                value = lo + float(x) * (hi - lo)
            point[k] = float(min(max(value, lo), hi))
        out.append(point)
    return out


def axis_values(spec: Mapping[str, Any]) -> list[float]:
    """Values of a generated grid axis ``{start, stop, num [, log]}`` (already validated).

    ``log = true`` spaces the values geometrically (start and stop > 0).
    """
    start, stop, num = float(spec["start"]), float(spec["stop"]), int(spec["num"])
    if spec.get("log", False):
        values = np.logspace(math.log10(start), math.log10(stop), num)
    else:
        values = np.linspace(start, stop, num)
    values[0] = start
    values[-1] = stop if num > 1 else start
    return [float(v) for v in values]


def point_ids(n: int) -> list[str]:
    """Stable point ids ``p0000``, ``p0001``, ... (wider for more than 10,000 points)."""
    width = max(4, len(str(max(n - 1, 0))))
    return [f"p{i:0{width}d}" for i in range(n)]
