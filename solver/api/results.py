"""What :func:`solver.api.run` returns: the summary and every table as numpy arrays."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


def read_table(path: str | Path) -> dict[str, np.ndarray]:
    """A CSV table of interphase as ``{column: array}`` (numbers as float, text as str)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return {}
    head, body = rows[0], rows[1:]
    out: dict[str, np.ndarray] = {}
    for k, name in enumerate(head):
        col = [r[k] for r in body]
        try:
            out[name] = np.array([float(c) for c in col])
        except ValueError:
            out[name] = np.array(col, dtype=str)
    return out


@dataclass
class Results:
    """The results of one run.

    Attributes:
        summary: ``summary.json`` as a dict (status, figures of merit, provenance ...).
        tables: Every CSV of the run by stem (``iv``, ``band_diagram``, ``leakage``,
            ``transient``, ``impedance``, ``electron_entry_-1V`` ...), columns as arrays.
        out: The results folder (None when the run wrote to a temporary one, since removed).
        studies: With several ``[[study]]``: one :class:`Results` per study name.
    """

    summary: dict[str, Any]
    tables: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    out: Path | None = None
    studies: dict[str, Results] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``ok``, ``incomplete`` (see ``summary["problems"]``) or ``running``."""
        return self.summary.get("status", "")

    def table(self, name: str) -> dict[str, np.ndarray]:
        """One table by stem.

        Raises:
            KeyError: The run wrote no such table (names the ones it wrote).
        """
        if name not in self.tables:
            raise KeyError(f"no table {name!r} in these results (tables: "
                           f"{', '.join(sorted(self.tables)) or 'none'})")
        return self.tables[name]

    @property
    def iv(self) -> dict[str, np.ndarray]:
        """``iv.csv``: ``voltage_V``, ``current_density_A_per_cm2``, ... (iv studies)."""
        return self.table("iv")

    @property
    def band_diagram(self) -> dict[str, np.ndarray]:
        """``band_diagram.csv``: ``x_nm``, ``layer``, ``psi_V``, ``Ec_eV``, ... (1D)."""
        return self.table("band_diagram")

    @property
    def leakage(self) -> dict[str, np.ndarray]:
        """``leakage.csv``: ``voltage_V``, ``current_density_A_per_cm2``, ... (leakage)."""
        return self.table("leakage")


def read_results(out: str | Path) -> Results:
    """The summary and tables of a results folder (and of its study subfolders)."""
    out = Path(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    tables = {p.stem: read_table(p) for p in sorted(out.glob("*.csv"))}
    studies = {name: read_results(out / name) for name in summary.get("studies", {})}
    return Results(summary=summary, tables=tables, out=out, studies=studies)
