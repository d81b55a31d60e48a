"""Reader for measured I-V(T) data in CSV files with the units in the header.

The file is comma-separated; blank lines and lines starting with ``#`` are skipped. The first
other line is the header. Each header cell names a quantity and its unit, as
``name_unit`` (``voltage_mV``, ``current_density_A_per_cm2``) or ``name (unit)`` / ``name
[unit]`` (``V (V)``, ``J (mA/cm2)``). Names (case-insensitive; spaces count as ``_``):

- voltage: ``voltage``, ``bias``, ``v``, ``u``; units ``V``, ``mV``;
- current: ``current``, ``i``; units ``A``, ``mA``, ``uA``, ``nA``;
- current density: ``current_density``, ``j``, or a current name with a density unit; units
  ``A/cm2``, ``mA/cm2``, ``uA/cm2``, ``nA/cm2``, ``A/m2``, ``mA/m2``, written with ``/``,
  ``_per_``, `` per `` or as ``A cm-2``; ``cm^2`` and ``cm²`` are accepted for ``cm2``;
- temperature (optional): ``temperature``, ``temp``, ``t``; units ``K``, ``C`` (``degC``).

Other columns are ignored. Forward bias is positive V with positive current. Points whose
temperatures lie within 0.5 K of each other form one curve at their mean temperature; a curve
whose temperatures spread over more than 0.5 K (a drifting set point) is an error naming its
lines. Every curve needs at least 5 distinct voltages.

Read strictly: cells are plain ASCII numbers (``-1.5e-3``; no ``1_0``, no non-ASCII digits,
no ``nan`` / ``inf``), |V| <= 10 kV, 0 < T <= 5000 K; text files of at most 20 MB with lines of
at most 10,000 characters (binary files, devices and huge cells are refused).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..constants import T_REF
from ..errors import CaseError, shown

_NAMES = {
    "voltage": "voltage", "bias": "voltage", "v": "voltage", "u": "voltage",
    "current": "current", "i": "current",
    "current_density": "current_density", "j": "current_density",
    "temperature": "temperature", "temp": "temperature", "t": "temperature",
}
_VOLT = {"v": 1.0, "mv": 1e-3}  # -> V
_CURRENT = {"a": 1.0, "ma": 1e-3, "ua": 1e-6, "na": 1e-9}  # -> A
_DENSITY = {"a/cm2": 1e4, "ma/cm2": 10.0, "ua/cm2": 1e-2, "na/cm2": 1e-5, "a/m2": 1.0,
            "ma/m2": 1e-3}  # -> A/m^2
_TEMP = {"k": 0.0, "c": 273.15, "degc": 273.15, "°c": 273.15}  # offset -> K
_SHOW = {"voltage": "V, mV", "temperature": "K, C",
         "current": "A, mA, uA, nA, A/cm2, mA/cm2, uA/cm2, nA/cm2, A/m2, mA/m2"}
_T_GROUP_K = 0.5  # temperatures closer than this are one curve (K)
_MIN_VOLTAGES = 5  # distinct voltages per curve
_MAX_BYTES = 20 << 20  # largest file read
_MAX_LINE = 10_000  # longest line (characters)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_EXAMPLE = "e.g. 'voltage_V,current_A,temperature_K' or 'V (V), J (A/cm2), T (K)'"


@dataclass(frozen=True)
class IVCurve:
    """One measured I-V curve at one temperature, sorted by voltage.

    Attributes:
        T_K: Temperature (K).
        V: Applied voltage (V), ascending.
        J: Current density (A/m^2), forward positive.
    """

    T_K: float
    V: np.ndarray
    J: np.ndarray


@dataclass(frozen=True)
class IVData:
    """Measured I-V(T) data read from one file.

    Attributes:
        path: The file read.
        curves: One curve per temperature, by ascending temperature.
        columns: ``(quantity, header cell)`` of the columns used.
        comments: The file's ``#`` comment lines (without the ``#``).
        area_cm2: Device area used to turn a current into a current density (cm^2), or None.
    """

    path: str
    curves: tuple[IVCurve, ...]
    columns: tuple[tuple[str, str], ...]
    comments: tuple[str, ...] = ()
    area_cm2: float | None = None

    @property
    def temperatures_K(self) -> tuple[float, ...]:
        """Temperatures of the curves (K)."""
        return tuple(c.T_K for c in self.curves)


def _norm_unit(unit: str) -> str:
    u = unit.strip().lower().replace("µ", "u").replace("μ", "u").replace("²", "2")
    u = u.replace("^", "").replace("_per_", "/").replace(" per ", "/")
    m = re.fullmatch(r"(\w+)\s*[ .*·_]\s*(cm|m)-2", u)
    if m:
        u = f"{m.group(1)}/{m.group(2)}2"
    return re.sub(r"[\s_]", "", u)


def _split_header(cell: str) -> tuple[str | None, str]:
    """``(quantity, unit as written)``; quantity None for columns to ignore, unit '' if absent."""
    text = cell.strip()
    m = re.fullmatch(r"(.*?)\s*[(\[]\s*(.*?)\s*[)\]]", text)
    if m:
        return _NAMES.get(re.sub(r"\s+", "_", m.group(1).lower())), m.group(2)
    name = re.sub(r"\s+", "_", text)
    if name.lower() in _NAMES:
        return _NAMES[name.lower()], ""
    for alias in sorted(_NAMES, key=len, reverse=True):
        if name.lower().startswith(alias + "_"):
            return _NAMES[alias], name[len(alias) + 1:]
    return None, ""


def _column_kind(cell: str, file: str) -> tuple[str, float, float] | None:
    """``(kind, scale, offset)`` to SI for a header cell, or None if it is not a used column."""
    qty, raw = _split_header(cell)
    if qty is None:
        return None
    unit = _norm_unit(raw)
    if not unit:
        raise CaseError(f"no unit for the {qty.replace('_', ' ')} column", file=file, key=cell,
                        hint=_EXAMPLE)
    if qty == "voltage" and unit in _VOLT:
        return "voltage", _VOLT[unit], 0.0
    if qty == "temperature" and unit in _TEMP:
        return "temperature", 1.0, _TEMP[unit]
    if qty in ("current", "current_density") and unit in _DENSITY:
        return "current_density", _DENSITY[unit], 0.0
    if qty == "current" and unit in _CURRENT:
        return "current", _CURRENT[unit], 0.0
    if qty == "current_density" and unit in _CURRENT:
        raise CaseError(f"'{raw}' is a current, not a current density", file=file, key=cell,
                        hint="use A/cm2, mA/cm2, uA/cm2, nA/cm2, A/m2 or mA/m2")
    raise CaseError(f"unknown {qty.replace('_', ' ')} unit '{raw}'", file=file, key=cell,
                    hint="known: " + _SHOW[qty.replace("_density", "")])


def _read_text(path: Path) -> str:
    """The file's text, refusing what is not a small text file (one-line errors)."""
    file = str(path)
    try:
        if not path.is_file():
            what = "no such file" if not path.exists() else "not a regular file"
            raise CaseError(f"cannot read the file ({what})", file=file)
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise CaseError(f"the file has {size / 2**20:.1f} MB; at most {_MAX_BYTES >> 20} MB",
                            file=file, hint="is it the right file?")
        with open(path, "rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except OSError as exc:
        raise CaseError(f"cannot read the file ({exc.__class__.__name__}: {exc.strerror})",
                        file=file) from None
    if b"\x00" in data:
        raise CaseError("a binary file, not comma-separated text", file=file, hint=_EXAMPLE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseError(f"not UTF-8 text (byte {exc.start})", file=file, hint=_EXAMPLE) from None


def _read_rows(path: Path) -> tuple[list[tuple[int, list[str]]], list[str]]:
    rows, comments = [], []
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        s = line.strip()
        if len(s) > _MAX_LINE:
            raise CaseError(f"line {lineno} has {len(s):,} characters; at most {_MAX_LINE:,}",
                            file=str(path), hint="one measured point per line")
        if s.startswith("#"):
            comments.append(s[1:].strip())
        elif s:
            try:
                cells = next(csv.reader([s]))
            except csv.Error as exc:
                raise CaseError(f"line {lineno}: {exc}", file=str(path)) from None
            rows.append((lineno, [c.strip() for c in cells]))
    return rows, comments


def _parse_float(cell: str, file: str, key: str, lineno: int) -> float:
    if cell.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise CaseError(f"line {lineno}: non-finite value {shown(cell)}", file=file, key=key)
    if not _NUMBER.fullmatch(cell):
        what = "empty cell" if cell == "" else f"{shown(cell)} is not a number"
        hint = ("units belong in the header only" if re.match(r"[-+]?\.?\d", cell, re.ASCII)
                else "ASCII digits, e.g. -1.5e-3")
        raise CaseError(f"line {lineno}: {what}", file=file, key=key, hint=hint)
    value = float(cell)
    if not math.isfinite(value):
        raise CaseError(f"line {lineno}: non-finite value {shown(cell)}", file=file, key=key)
    return value


def _group_by_temperature(T: np.ndarray, lines: np.ndarray, file: str,
                          key: str) -> list[np.ndarray]:
    """Point indices of each curve: temperatures within 0.5 K of the curve's lowest."""
    order = np.argsort(T, kind="stable")
    breaks = np.nonzero(np.diff(T[order]) > _T_GROUP_K)[0] + 1
    groups = np.split(order, breaks)
    for idx in groups:
        spread = float(np.ptp(T[idx]))
        if spread > _T_GROUP_K:
            lo, hi = int(idx[np.argmin(T[idx])]), int(idx[np.argmax(T[idx])])
            raise CaseError(
                f"temperatures drift from {T[lo]:g} K (line {lines[lo]}) to {T[hi]:g} K "
                f"(line {lines[hi]}) in steps under {_T_GROUP_K:g} K: one curve cannot span "
                f"{spread:.3g} K", file=file, key=key,
                hint=f"give each curve one temperature (within {_T_GROUP_K:g} K)")
    return groups


def read_iv(path: str | Path, *, area_cm2: float | None = None,
            temperature_K: float | None = None) -> IVData:
    """Read measured I-V(T) data and convert them to SI current densities.

    Args:
        path: CSV file (see the module docstring for the header format).
        area_cm2: Device area (cm^2), needed when the file has a current (not a current
            density) column; ignored otherwise.
        temperature_K: Temperature (K) of all points when the file has no temperature column
            (default 300 K); must not be given when it has one.

    Returns:
        The curves, one per temperature, each sorted by voltage.

    Raises:
        CaseError: One line naming the file and column: a missing voltage or current column,
            a missing or unknown unit, two columns of the same quantity, a non-numeric or
            non-finite cell (with its line), a current without ``area_cm2``, a temperature
            outside (0, 5000] K, a curve with fewer than 5 distinct voltages or temperatures
            drifting by more than 0.5 K, |V| > 10 kV, or a file that is not small CSV text.
    """
    file = str(path)
    rows, comments = _read_rows(Path(path))
    if not rows:
        raise CaseError("no header and no data", file=file, hint=_EXAMPLE)
    lineno0, header = rows[0]
    if all(re.fullmatch(r"[-+.\deE]+", c or "x") for c in header):
        raise CaseError(f"line {lineno0}: no header row (the first line is numbers)", file=file,
                        hint=_EXAMPLE)
    used: dict[str, tuple[int, float, float]] = {}
    family = {"current_density": "current"}
    for j, cell in enumerate(header):
        kind = _column_kind(cell, file)
        if kind is None:
            continue
        fam = family.get(kind[0], kind[0])
        other = next((header[used[k][0]] for k in used if family.get(k, k) == fam), None)
        if other is not None:
            raise CaseError(f"a second {fam} column (first: '{other}')", file=file, key=cell,
                            hint="keep one column per quantity")
        used[kind[0]] = (j, kind[1], kind[2])
    if "voltage" not in used:
        raise CaseError("missing voltage column", file=file, key="voltage", hint=_EXAMPLE)
    if "current" not in used and "current_density" not in used:
        raise CaseError("missing current or current density column", file=file,
                        key="current", hint=_EXAMPLE)
    values: dict[str, list[float]] = {k: [] for k in used}
    lines = np.array([lineno for lineno, _ in rows[1:]], dtype=int)
    for lineno, row in rows[1:]:
        if len(row) != len(header):
            raise CaseError(f"line {lineno}: {len(row)} cells, the header has {len(header)}",
                            file=file)
        for k, (j, scale, offset) in used.items():
            values[k].append(_parse_float(row[j], file, header[j], lineno) * scale + offset)
    V = np.asarray(values["voltage"], float)
    if V.size and np.max(np.abs(V)) > 1e4:
        k = int(np.argmax(np.abs(V)))
        raise CaseError(f"line {lines[k]}: |V| = {abs(V[k]):g} V exceeds 10 kV", file=file,
                        key=header[used["voltage"][0]], hint="check the voltage unit")
    if "current" in used:
        key = header[used["current"][0]]
        if area_cm2 is None:
            raise CaseError("the file gives a current, not a current density, and no area",
                            file=file, key=key, hint="give the device area in cm2")
        if not (area_cm2 > 0 and math.isfinite(area_cm2)):
            raise CaseError(f"area must be > 0 cm2, got {area_cm2}", file=file, key=key)
        J = np.asarray(values["current"], float) / (area_cm2 * 1e-4)
    else:
        J = np.asarray(values["current_density"], float)
    if "temperature" in used:
        tkey = header[used["temperature"][0]]
        if temperature_K is not None:
            raise CaseError("the file has a temperature column; do not also give a temperature",
                            file=file, key=tkey)
        T = np.asarray(values["temperature"], float)
    else:
        tkey = "temperature"
        T = np.full(V.shape, T_REF if temperature_K is None else float(temperature_K))
    if not V.size:
        raise CaseError("no data rows after the header", file=file, hint=_EXAMPLE)
    if not np.all(np.isfinite(J)):
        raise CaseError("a current density overflows double precision", file=file,
                        key="current", hint="check the current unit and --area")
    if not np.all((T > 0) & (T <= 5000.0)):
        bad = float(T[~((T > 0) & (T <= 5000.0))][0])
        raise CaseError(f"temperature must lie in (0, 5000] K, got {bad:g} K", file=file,
                        key=tkey)
    curves = []
    for idx in _group_by_temperature(T, lines, file, tkey):
        Tc = float(np.mean(T[idx]))
        distinct = np.unique(V[idx]).size
        if distinct < _MIN_VOLTAGES:
            raise CaseError(f"only {distinct} distinct voltage{'s' * (distinct != 1)} at "
                            f"T = {Tc:g} K; a curve needs at least {_MIN_VOLTAGES}", file=file,
                            key=tkey if "temperature" in used else header[used["voltage"][0]])
        o = idx[np.argsort(V[idx], kind="stable")]
        v, jj = V[o].copy(), J[o].copy()
        v.flags.writeable = jj.flags.writeable = False
        curves.append(IVCurve(T_K=Tc, V=v, J=jj))
    cols = tuple((k, header[j]) for k, (j, _, _) in used.items())
    return IVData(path=file, curves=tuple(curves), columns=cols, comments=tuple(comments),
                  area_cm2=float(area_cm2) if "current" in used else None)
