"""The three designs of a study file: [grid], [list] and [sample] tables -> points.

Nested tables flatten to dotted case keys (``study.kind = ...`` in a table is the same as
``"study.kind" = ...``), except the tables that are values: grid generators
``{start, stop, step}`` / ``{start, stop, num, log}`` and, in [set], ranges ``{start, stop, step}``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ..case import schema as S
from ..errors import CaseError
from . import points as P

#: most points a study may have (each is a full simulation; its manifest lists them all)
MAX_POINTS = 100_000

SAMPLE: dict[str, S.Key] = {
    "method": S.Key("str", "lhs (Latin hypercube) or sobol (scrambled Sobol)", required=True,
                    choices=("lhs", "sobol")),
    "n": S.Key("int", "number of points", required=True, check="positive",
               limits=(1, MAX_POINTS)),
    "seed": S.Key("int", "random seed (same seed, same points)", default=0,
                  limits=(0, 2**32 - 1)),
    "log": S.Key("strs", "keys sampled log-uniformly (bounds > 0)", default=[]),
    "bounds": S.Key("table", "key = [low, high]", required=True),
}

_GEN = ("start", "stop", "step", "num", "log")


def flatten(table: Mapping[str, Any], is_value: Callable[[Any], bool],
            prefix: str = "") -> dict[str, Any]:
    """Dotted keys of a (possibly nested) table; ``is_value`` says which tables are values.

    Raises:
        KeyError: With the dotted key, if two spellings give the same key.
    """
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and not is_value(v) and v:
            items = flatten(v, is_value, key + ".").items()
        else:
            items = [(key, v)]
        for name, x in items:
            if name in out:
                raise KeyError(name)
            out[name] = x
    return out


def flat(table: Mapping[str, Any], is_value: Callable[[Any], bool], file: str,
         where: str) -> dict[str, Any]:
    """:func:`flatten` with a one-line error naming the study file and the table."""
    try:
        return flatten(table, is_value)
    except KeyError as exc:
        raise CaseError("given twice (as a dotted key and as a nested table)", file=file,
                        key=f"{where}.{exc.args[0]}") from None


def is_generator(v: Any) -> bool:
    """Whether ``v`` is a grid-axis generator ``{start, stop, step | num [, log]}``."""
    return isinstance(v, Mapping) and "start" in v and set(v) <= set(_GEN)


def is_range(v: Any) -> bool:
    """Whether ``v`` is a case range ``{start, stop, step}`` (a value, not nested keys)."""
    return isinstance(v, Mapping) and set(v) == {"start", "stop", "step"}


def check_key(key: str, value: Any, file: str, where: str) -> None:
    """Reject dotted keys with empty parts and empty tables as values."""
    if any(not part.strip() for part in key.split(".")):
        raise CaseError("empty part in a dotted case key", file=file, key=f"{where}.{key}")
    if isinstance(value, Mapping) and not value:
        raise CaseError("empty table", file=file, key=f"{where}.{key}")


def check_prefixes(keys: list[str], file: str) -> None:
    """Reject a key that is a table of another (``layers.0`` and ``layers.0.donors_cm3``)."""
    for a in keys:
        for b in keys:
            if b.startswith(a + "."):
                raise CaseError(f"'{a}' and '{b}' overlap: set one or the other", file=file)


def grid(table: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Points of a [grid] table: the full factorial of its axes (first key slowest)."""
    axes = {}
    for key, spec in flat(table, is_generator, file, "grid").items():
        def err(msg: str, _k: str = key) -> CaseError:
            return CaseError(msg, file=file, key=f"grid.{_k}")

        if isinstance(spec, list):
            if not spec:
                raise err("empty list of values")
            axes[key] = spec
        elif is_generator(spec):
            axes[key] = _generated(spec, err)
        else:
            raise err(f"expected [values], {{start, stop, step}} or {{start, stop, num}}, "
                      f"got {spec!r}")
    if not axes:
        raise CaseError("empty [grid]: give at least one key = [values]", file=file, key="grid")
    total = math.prod(len(v) for v in axes.values())
    if total > MAX_POINTS:
        sizes = " x ".join(str(len(v)) for v in axes.values())
        raise CaseError(f"the grid has {sizes} = {total:.3g} points; at most {MAX_POINTS:,}",
                        file=file, key="grid", hint="use fewer values per axis, or [sample]")
    return P.grid_points(axes)


def _generated(spec: Mapping[str, Any], err: Callable[[str], CaseError]) -> list[float]:
    if ("step" in spec) == ("num" in spec):
        raise err("give exactly one of step or num")
    if "step" in spec:
        if "log" in spec:
            raise err("log = true goes with num, not step")
        return list(S.check_value(dict(spec), S.Key("range", ""), err))
    for k in ("start", "stop"):
        S.check_value(spec.get(k), S.Key("number", ""), err)
    S.check_value(spec["num"], S.Key("int", "", check="positive", limits=(1, MAX_POINTS)), err)
    log = S.check_value(spec.get("log", False), S.Key("bool", ""), err)
    if log and min(spec["start"], spec["stop"]) <= 0:
        raise err("log spacing needs start and stop > 0")
    return P.axis_values(spec)


def listed(table: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Points of a [list] table: equal-length arrays, point i takes the i-th values."""
    cols = flat(table, lambda v: False, file, "list")
    if not cols:
        raise CaseError("empty [list]: give at least one key = [values]", file=file, key="list")
    for key, v in cols.items():
        if not isinstance(v, list):
            raise CaseError(f"expected an array of values, got {v!r}", file=file,
                            key=f"list.{key}")
        if not v:
            raise CaseError("empty list of values", file=file, key=f"list.{key}")
        if len(v) > MAX_POINTS:
            raise CaseError(f"{len(v):,} values; at most {MAX_POINTS:,} points", file=file,
                            key=f"list.{key}")
    lengths = {k: len(v) for k, v in cols.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}: {n}" for k, n in lengths.items())
        raise CaseError(f"arrays must have one length ({desc})", file=file, key="list")
    return P.list_points(cols)


def sample(table: Mapping[str, Any], file: str) -> list[dict[str, Any]]:
    """Points of a [sample] table: Latin hypercube or Sobol inside [sample.bounds]."""
    t = S.validate_table(table, SAMPLE, "sample", file)
    if t["seed"] < 0:
        raise CaseError(f"must be >= 0, got {t['seed']}", file=file, key="sample.seed")
    bounds = {}
    for key, v in flat(t["bounds"], lambda v: False, file, "sample.bounds").items():
        def err(msg: str, _k: str = key) -> CaseError:
            return CaseError(msg, file=file, key=f"sample.bounds.{_k}")

        if not isinstance(v, list) or len(v) != 2:
            raise err(f"expected [low, high], got {v!r}")
        lo, hi = (S.check_value(x, S.Key("number", ""), err) for x in v)
        if not lo < hi:
            raise err(f"empty range: low {lo:g} must be < high {hi:g}")
        bounds[key] = (lo, hi)
    if not bounds:
        raise CaseError("empty [sample.bounds]: give key = [low, high]", file=file,
                        key="sample.bounds")
    for key in t["log"]:
        if key not in bounds:
            near = S.closest(key, list(bounds))
            raise CaseError(f"'{key}' has no bounds", file=file, key="sample.log",
                            hint=f"did you mean '{near}'?" if near else "add it to bounds")
        if bounds[key][0] <= 0:
            raise CaseError("log sampling needs low > 0", file=file, key=f"sample.bounds.{key}")
    return P.sample_points(t["method"], t["n"], t["seed"], bounds, t["log"])
