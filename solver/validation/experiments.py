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
    either: it would create a contact.
    """
    keep = []
    contacts = set(load_case(case_path).contacts)
    for s in sets:
        parts = s.split("=", 1)[0].strip().split(".")
        if parts[0] == "contacts" and len(parts) > 2 and parts[1] not in contacts:
            continue
        try:
            load_case(case_path, [*keep, s])
            keep.append(s)
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
