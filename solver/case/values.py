"""Typed case-file values: the :class:`Key` of one allowed key and a strict validator for it.

Numbers must be finite and inside the key's physical range; strings, lists and tables are
checked for type, choices and size; documents nested deeper than any key needs are refused
without recursion. Every error is one :class:`CaseError` line naming the file and key.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import CaseError, shown

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_ITEMS", "Key", "check_depth", "check_value",
           "closest", "depth", "shown", "validate_table"]


@dataclass(frozen=True)
class Key:
    """One allowed key.

    Attributes:
        kind: 'number', 'int', 'str', 'bool', 'numbers' (a number or list of numbers),
            'range' (list of numbers or {start, stop, step}), 'strs' (list of strings), 'table'
            (free-form table, validated elsewhere), 'tables' (array of tables).
        doc: One-line description (with unit).
        required: Whether the key must be present.
        default: Value used when absent.
        choices: Allowed values for strings.
        check: 'positive', 'nonneg' or '' (numbers).
        limits: Physical range ``(low, high)`` of a number (inclusive, in the key's unit), or
            None; values outside are refused at load time, so no later step overflows.
    """

    kind: str
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    check: str = ""
    limits: tuple[float, float] | None = None


#: deepest nesting of tables / arrays any case or study key needs (materials.X.ions.Li.key)
MAX_DEPTH = 8
#: longest list a number / string list key takes
MAX_ITEMS = 100_000
#: largest case or study file read (bytes)
MAX_FILE_BYTES = 10 << 20

def closest(word: str, options: list[str]) -> str | None:
    """The closest option to ``word`` (for 'did you mean'), or None."""
    m = difflib.get_close_matches(word, options, n=1, cutoff=0.4)
    return m[0] if m else None


def depth(node: Any) -> int:
    """Nesting depth of tables and arrays in a parsed document (a scalar is 0; no recursion)."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, d + 1)
        if deepest > MAX_DEPTH:
            break
        stack.extend((c, d + 1) for c in children)
    return deepest


def check_depth(doc: Any, file: str) -> None:
    """Refuse documents nested deeper than any key of the schema needs."""
    if depth(doc) > MAX_DEPTH:
        raise CaseError(f"tables or arrays nested more than {MAX_DEPTH} levels deep; no key "
                        "takes that", file=file, hint="check the brackets and braces")


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _in_limits(v: float, key: Key, err: Callable[[str], CaseError]) -> None:
    if key.limits is not None and not key.limits[0] <= v <= key.limits[1]:
        lo, hi = key.limits
        raise err(f"{v:g} is outside the physical range {lo:g} .. {hi:g}")


def _number(v: Any, key: Key, err: Callable[[str], CaseError]) -> float:
    if not _is_number(v):
        raise err(f"expected a number, got {shown(v)}")
    if isinstance(v, int) and abs(v) > 1e300:
        raise err(f"the number {shown(v, 12)} ({len(str(abs(v)))} digits) is out of range")
    v = float(v)
    if not math.isfinite(v):
        raise err(f"must be finite, got {v}")
    if key.check == "positive" and v <= 0:
        raise err(f"must be > 0, got {v:g}")
    if key.check == "nonneg" and v < 0:
        raise err(f"must be >= 0, got {v:g}")
    _in_limits(v, key, err)
    return v


def _items(v: Any, err: Callable[[str], CaseError]) -> list:
    items = v if isinstance(v, list) else [v]
    if len(items) > MAX_ITEMS:
        raise err(f"a list of {len(items)} values; at most {MAX_ITEMS}")
    return items


def _range(v: Any, key: Key, err: Callable[[str], CaseError]) -> tuple[float, ...]:
    item = Key("number", "", limits=key.limits)
    if isinstance(v, Mapping):
        extra = set(v) - {"start", "stop", "step"}
        if extra or len(v) != 3:
            raise err("a range needs exactly {start, stop, step}")
        start, stop, step = (_number(v[k], Key("number", "", limits=key.limits if k != "step"
                                                else None), err)
                             for k in ("start", "stop", "step"))
        if step <= 0:
            raise err("range step must be > 0")
        count = abs(stop - start) / step + 1.0
        if count > MAX_ITEMS:
            raise err(f"range has {count:.4g} points; at most {MAX_ITEMS}")
        n = math.floor(abs(stop - start) / step + 1e-9) + 1
        sign = 1.0 if stop >= start else -1.0
        return tuple(round(start + sign * i * step, 12) for i in range(n))
    if isinstance(v, list):
        if not v:
            raise err("empty list")
        return tuple(_number(x, item, err) for x in _items(v, err))
    return (_number(v, key, err),)


def check_value(v: Any, key: Key, err: Callable[[str], CaseError]) -> Any:
    """Validate one value against its :class:`Key`; return it normalised."""
    kind = key.kind
    if kind == "number":
        return _number(v, key, err)
    if kind == "int":
        if isinstance(v, bool) or not isinstance(v, int):
            raise err(f"expected an integer, got {shown(v)}")
        if key.check == "positive" and v <= 0:
            raise err(f"must be > 0, got {shown(v, 24)}")
        if key.limits is not None and not key.limits[0] <= v <= key.limits[1]:
            raise err(f"{shown(v, 24)} is outside the range {key.limits[0]:g} .. "
                      f"{key.limits[1]:g}")
        return v
    if kind == "bool":
        if not isinstance(v, bool):
            raise err(f"expected true or false, got {shown(v)}")
        return v
    if kind == "str":
        if not isinstance(v, str):
            raise err(f"expected a string, got {shown(v)}")
        if key.choices and v not in key.choices:
            near = closest(v[:100], list(key.choices))
            hint = f"; did you mean '{near}'?" if near else ""
            raise err(f"{shown(v)} is not one of {', '.join(key.choices)}{hint}")
        return v
    if kind == "strs":
        items = _items(v, err)
        return tuple(check_value(x, Key("str", "", choices=key.choices), err) for x in items)
    if kind == "numbers":
        items = _items(v, err)
        if not items:
            raise err("empty list")
        return tuple(_number(x, key, err) for x in items)
    if kind == "range":
        return _range(v, key, err)
    if kind == "table_or_tables":
        items = v if isinstance(v, list) else [v]
        if not items or not all(isinstance(t, Mapping) for t in items):
            raise err("expected a table [study] or an array of tables [[study]]")
        return items
    if kind == "tables":
        if not isinstance(v, list) or not all(isinstance(t, Mapping) for t in v):
            raise err("expected an array of tables, e.g. [[layers]]")
        return v
    if kind == "table":
        if not isinstance(v, Mapping):
            raise err(f"expected a table, got {shown(v)}")
        return v
    raise AssertionError(kind)  # pragma: no cover - schema programming error


def validate_table(table: Any, spec: dict[str, Key], where: str, file: str) -> dict[str, Any]:
    """Check ``table`` against ``spec``: unknown keys, required keys, types; fill defaults.

    Args:
        table: The parsed TOML table.
        spec: Allowed keys.
        where: Dotted path of the table (for messages), '' for the top level.
        file: Case file path (for messages).

    Returns:
        A new dict with every key of ``spec`` (defaults filled, values normalised).
    """
    prefix = f"{where}." if where else ""
    if not isinstance(table, Mapping):
        raise CaseError(f"expected a table, got {shown(table)}", file=file, key=where or None)
    out: dict[str, Any] = {}
    for k, v in table.items():
        if k not in spec:
            near = closest(k[:100], list(spec))
            hint = f"did you mean '{near}'?" if near else f"valid keys: {', '.join(spec)}"
            name = k if len(k) <= 60 else k[:57] + "..."
            raise CaseError("unknown key", file=file, key=prefix + name, hint=hint)

        def err(msg: str, _k: str = k) -> CaseError:
            return CaseError(msg, file=file, key=prefix + _k)

        out[k] = check_value(v, spec[k], err)
    for k, key in spec.items():
        if k not in out:
            if key.required:
                raise CaseError("required key missing", file=file, key=prefix + k,
                                hint=key.doc)
            d = key.default
            out[k] = check_value(d, key, lambda m: CaseError(m)) if d is not None else None
    return out
