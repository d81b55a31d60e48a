"""A case as the Python API holds it: a file or TOML text, plus ``--set`` style overrides."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CaseError


def toml_literal(value: Any) -> str:
    """A Python value as a TOML value (numbers, bools, strings, lists, inline tables).

    Raises:
        CaseError: A value TOML cannot hold (None, NaN, an object).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) or (hasattr(value, "dtype") and not getattr(
            value, "shape", ())):
        v = value if isinstance(value, int) else float(value)
        if isinstance(v, float) and not math.isfinite(v):
            raise CaseError(f"override value {value!r} is not a finite number")
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_literal(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, Sequence) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return "[" + ", ".join(toml_literal(v) for v in items) + "]"
    raise CaseError(f"override value {value!r} has no TOML form (use numbers, strings, "
                    "booleans, lists or tables)")


@dataclass(frozen=True)
class CaseSpec:
    """A case to run: a case file or TOML text, and overrides applied in order.

    Build one with :func:`load_case`; :meth:`with_` returns a copy with more overrides.
    Validation happens at once (:func:`load_case` and :meth:`with_` raise
    :class:`solver.errors.CaseError` for an invalid case), and :attr:`case` is the validated
    case the solver runs.

    Attributes:
        path: The case file, or None for TOML text.
        text: The TOML text, or None for a file.
        base_dir: Folder relative paths of TOML text (a ``[geometry] msh``) are relative to.
        sets: ``key=value`` overrides, as ``interphase run --set`` takes them.
    """

    path: Path | None = None
    text: str | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    sets: tuple[str, ...] = ()

    def with_(self, overrides: Mapping[str, Any] | None = None, /, **keys: Any) -> CaseSpec:
        """A copy with overrides: dotted case keys, as ``--set`` takes them.

        Args:
            overrides: ``{"layers.1.donors_cm3": 1e18, "study.kind": "equilibrium"}``.
            **keys: The same with ``__`` for the dots: ``temperature_K=[300, 350]``,
                ``layers__1__donors_cm3=1e18``.

        Returns:
            The new, validated spec (this one is unchanged).
        """
        items = {**(overrides or {}), **{k.replace("__", "."): v for k, v in keys.items()}}
        spec = CaseSpec(self.path, self.text, self.base_dir,
                        self.sets + tuple(f"{k}={toml_literal(v)}" for k, v in items.items()))
        spec.case  # noqa: B018  (validate now: an invalid override fails here, not later)
        return spec

    @property
    def case(self) -> Any:
        """The validated :class:`solver.case.Case`."""
        from ..case import load_case as _load

        with self.file() as path:
            return _load(path, self.sets)

    @contextmanager
    def file(self):
        """A path of the case file (TOML text: a temporary file in :attr:`base_dir`)."""
        if self.path is not None:
            yield self.path
            return
        fd, tmp = tempfile.mkstemp(prefix=".interphase-case-", suffix=".toml",
                                   dir=self.base_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.text or "")
            yield Path(tmp)
        finally:
            os.unlink(tmp)


def load_case(source: str | Path | CaseSpec, base_dir: str | Path | None = None) -> CaseSpec:
    """A case from a file path or from TOML text, validated.

    Args:
        source: A case file (``cases/si_pn_diode.toml``), or the TOML text itself (any string
            with a newline or an ``=``), or a spec (returned as it is).
        base_dir: For TOML text: the folder its relative paths are relative to (default the
            current folder).

    Returns:
        The spec; ``spec.case`` is the validated case.

    Raises:
        CaseError: No such file, or an invalid case (one line naming the key and the fix).
    """
    if isinstance(source, CaseSpec):
        return source
    if isinstance(source, Path) or ("\n" not in source and "=" not in source):
        path = Path(source)
        if not path.is_file():
            raise CaseError("no such case file", file=str(path))
        spec = CaseSpec(path=path)
    else:
        spec = CaseSpec(text=source, base_dir=Path(base_dir) if base_dir else Path.cwd())
    spec.case  # noqa: B018  (validate now)
    return spec
