"""Run named experiments (a case plus --set overrides) and read their summaries."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mpi4py import MPI

from ..case import load_case
from ..errors import CaseError
from ..studies.runner import run_case

ROOT = Path(__file__).resolve().parents[2]
PAPER_SPEC = ROOT / "cases" / "validation" / "paper.toml"
MEASURED = ROOT / "cases" / "data" / "seed_measurements.toml"


def load_spec(path: Path = PAPER_SPEC) -> dict[str, dict[str, Any]]:
    """The experiments of a validation spec, with case paths resolved."""
    try:
        doc = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"cannot read the validation spec ({exc})", file=str(path)) from None
    out = {}
    for name, exp in doc.get("experiments", {}).items():
        out[name] = {"case": (path.parent / exp["case"]).resolve(),
                     "sets": list(exp.get("sets", [])),
                     "quick_sets": list(exp.get("quick_sets", exp.get("sets", [])))}
    return out


def measured() -> dict[str, Any]:
    """The paper's numbers (cases/data/seed_measurements.toml)."""
    return tomllib.loads(MEASURED.read_text())


def applicable(case_path: Path, sets: Sequence[str]) -> list[str]:
    """The overrides of ``sets`` that apply to a case (others, e.g. a layer it lacks, dropped).

    An override of a contact the case does not have (``contacts.NAME.key``) does not apply
    either: it would create a contact. A contact may also be named by what it is,
    ``contacts.METAL/MATERIAL.key`` (``contacts.Al/a-Si.series_resistance_ohm_cm2``): the
    override then applies to every contact of that metal on a layer of that material, and to
    no other (a series resistance of the Al / p-Si contact is not one of a Au / LLZTO
    electrode that happens to share its name).
    """
    keep = []
    contacts = load_case(case_path).contacts
    for s in sets:
        key, _, value = s.partition("=")
        parts = key.strip().split(".")
        if parts[0] == "contacts" and len(parts) > 2:
            if "/" in parts[1]:
                metal, _, material = parts[1].partition("/")
                names = [n for n, c in contacts.items()
                         if c.metal == metal and c.touches == material]
            else:
                names = [parts[1]] if parts[1] in contacts else []
            cands = [".".join(["contacts", n, *parts[2:]]) + "=" + value for n in names]
        else:
            cands = [s]
        for c in cands:
            try:
                load_case(case_path, [*keep, c])
                keep.append(c)
            except CaseError as exc:
                if "no item" not in str(exc):
                    raise
    return keep


def run_experiment(spec: dict[str, Any], out: Path, comm: MPI.Comm, quick: bool = False,
                   overrides: Sequence[str] = (), plots: bool = True) -> dict[str, Any]:
    """Run one experiment; returns its summary (same on every rank of ``comm``).

    Args:
        spec: ``{"case", "sets", "quick_sets"}``.
        out: Output folder of this run.
        comm: Communicator.
        quick: Use the reduced ``quick_sets``.
        overrides: Extra --set overrides (e.g. calibrated parameters), where applicable.
        plots: Write PNGs and fields.
    """
    sets = list(spec["quick_sets"] if quick else spec["sets"])
    sets += applicable(spec["case"], overrides)
    if not plots:
        sets += ["output.plots=false", "output.fields=false"]
    case = load_case(spec["case"], sets)
    return run_case(case, out, comm, command=["interphase", "validate"])


def entry_at(summary: dict[str, Any], T: float, tol: float = 1.0) -> dict[str, Any]:
    """The per-temperature entry of a summary at ``T`` (within ``tol`` K).

    Raises:
        LookupError: If the run has no such temperature (e.g. a quick run).
    """
    entries = summary["per_temperature"]
    best = min(entries, key=lambda e: abs(e["temperature_K"] - T))
    if abs(best["temperature_K"] - T) > tol:
        raise LookupError(f"no result at {T:g} K")
    return best
