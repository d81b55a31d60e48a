"""Electron leakage study: DC polarisation of a cell, both polarities, at each temperature.

For each temperature: thermal equilibrium, then the DC steady state at +U and -U on the biased
contact (bias continuation; with ion-blocking electrodes the ions reach zero flux with their
amount conserved, which is the steady state of a chronoamperometry). Reported per polarity:

- the steady terminal current density and its electronic and ionic parts;
- the electron current density entering the electrolyte: the electron particle current from
  the first contact toward the second (+x in 1D: from the left, where the interphase sits in
  the paper's cells) averaged over the electrolyte, as an electric current density (A/cm2,
  positive when electrons move into the electrolyte from the first contact's side); on 2D/3D
  devices the electron entry maps (:mod:`solver.device.entry`) resolve it along the boundary;
- the effective electronic conductivity a DC-polarisation measurement reports,
  ``sigma = J_ss L / U`` with L the electrolyte thickness;
- the rate at which those electrons reduce Li+ to metal inside the electrolyte, as nm of Li
  per hour (:mod:`solver.analysis.lithium`).
Across temperatures (see :mod:`solver.analysis.arrhenius`): activation energies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.arrhenius import leakage_summary
from ..analysis.lithium import li_reduction_rate_nm_per_h
from ..case import Case, Study
from ..contacts import KINDS
from ..device.leak import ElectrolyteElectronCurrent
from ..device.problem import DeviceProblem
from ..errors import CaseError
from ..results import painter
from ..results.progress import Progress
from .bias import A_PER_CM2, sweep
from .equilibrium import run_equilibrium
from .kind import PointCallback, StudyKind


def run_leakage(pb: DeviceProblem, study: Study, T: float,
                on_point: Callable[[float, dict], None] | None = None
                ) -> tuple[dict[str, Any], Any]:
    """Equilibrium, then DC polarisation at +U and -U (``study.step_V``) at ``T``.

    ``on_point`` (optional) is called as ``(V, record)`` after each converged bias.

    Returns:
        ``(entry, band_diagram)`` with ``entry["leakage"]`` one row per polarity.
    """
    entry, bd = run_equilibrium(pb, T)
    U = abs(study.waveform[-1][1])
    extra: dict[float, float] = {}
    electron_current = ElectrolyteElectronCurrent(pb)

    def record(V: float, rec: dict) -> None:
        extra[V] = electron_current() * A_PER_CM2
        if on_point is not None:
            on_point(V, rec)

    progress = Progress(f"leakage {T:g} K", 3, pb.comm.rank)
    records, problems = sweep(pb, study.contact, [-U, 0.0, U], progress, on_point=record)
    progress.close()
    L = pb.electrolyte_thickness() * 100.0  # cm
    rows = [r for r in records if r["voltage_V"] != 0.0]
    entry["leakage"] = {
        "voltage_V": [r["voltage_V"] for r in rows],
        "current_density_A_per_cm2": [r["current_density_A_per_cm2"] for r in rows],
        "electron_current_density_A_per_cm2": [extra[r["voltage_V"]] for r in rows],
        "effective_conductivity_S_per_cm": [
            r["current_density_A_per_cm2"] * L / r["voltage_V"] for r in rows],
        "li_reduction_nm_per_h": [li_reduction_rate_nm_per_h(extra[r["voltage_V"]])
                                  for r in rows],
    }
    entry["electrolyte_thickness_cm"] = L
    entry["status"] = "incomplete" if problems else "ok"
    if problems:
        entry["problems"] = problems
    return entry, bd


def case_without_layers(case: Case, names: tuple[str, ...], metal: str | None = None) -> Case:
    """A copy of ``case`` without the named layers (the reference cell of a leakage study).

    A contact whose neighbour becomes an electrolyte turns into an ion-blocking one (with
    ``metal`` if given, else its own work function), as the bare cell's electrode is. It is a
    new electrode on a new material: the series resistance of the contact it replaces (that
    metal on that film) does not carry over.
    """
    layers = tuple(ly for ly in case.layers if ly.name not in names)
    if not layers:
        raise CaseError("removing those layers leaves no stack", file=case.path,
                        key="study.reference_without_layers")
    ends = {"left": layers[0], "right": layers[-1]}
    contacts = {}
    for name, c in case.contacts.items():
        if case.is_electrolyte(ends[c.at]) and not KINDS[c.kind].on_electrolyte:
            wf = case.materials.get(metal).workfunction if metal else c.workfunction
            if wf is None:
                raise CaseError("the reference contact on the electrolyte needs a metal",
                                file=case.path, key="study.reference_metal")
            c = replace(c, kind="blocking", workfunction=wf, metal=metal or c.metal,
                        touches=ends[c.at].material, series_resistance=0.0,
                        series_resistance_activation=0.0)
        contacts[name] = c
    return replace(case, layers=layers, contacts=contacts, name=case.name + " (reference)")


class LeakageStudy(StudyKind):
    """DC polarisation at +-U; with ``reference_without_layers`` also on the bare cell."""

    name = "leakage"
    table = "leakage"
    sweeps_bias = True

    def __init__(self, pb: DeviceProblem, study: Study,
                 petsc_options: dict[str, str] | None = None) -> None:
        super().__init__(pb, study, petsc_options)
        self.reference: DeviceProblem | None = None
        if study.reference_without_layers:
            ref = case_without_layers(pb.case, study.reference_without_layers,
                                      study.reference_metal)
            self.reference = DeviceProblem(ref, pb.comm, petsc_options)

    def run(self, T: float, on_point: PointCallback | None = None) -> tuple[dict[str, Any], Any]:
        """Polarisation of the cell (and of its reference) at ``T`` (K)."""
        entry, bd = run_leakage(self.pb, self.study, T, on_point=on_point)
        if self.reference is not None:
            ref_entry, _ = run_leakage(self.reference, self.study, T)
            entry["reference"] = {"without_layers": list(self.study.reference_without_layers),
                                  **ref_entry["leakage"]}
            ref = dict(zip(ref_entry["leakage"]["voltage_V"],
                           ref_entry["leakage"]["effective_conductivity_S_per_cm"]))
            entry["leakage"]["ratio_to_reference"] = [  # by bias: either may miss a polarity
                a / ref[V] if ref.get(V) else float("nan") for V, a in zip(
                    entry["leakage"]["voltage_V"],
                    entry["leakage"]["effective_conductivity_S_per_cm"], strict=True)]
            if ref_entry.get("problems"):
                entry["status"] = "incomplete"
                entry["problems"] = [*entry.get("problems", []),
                                     *(f"reference: {p}" for p in ref_entry["problems"])]
        return entry, bd

    def across_temperatures(self, entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """sigma_eff(T) and activation energies per polarity (and of the reference)."""
        out = {"leakage_vs_temperature": leakage_summary(entries)}
        if self.reference is not None:
            out["reference_vs_temperature"] = leakage_summary(
                [{"temperature_K": e["temperature_K"], "leakage": e["reference"]}
                 for e in entries])
        return out

    def figures(self, out: Path, case_name: str, entries: Sequence[dict[str, Any]],
                summary: dict[str, Any]) -> None:
        """Arrhenius plot of sigma_eff per polarity (and of the reference)."""
        if not summary.get("leakage_vs_temperature"):
            return
        series = {}
        for label, key in (("", "leakage_vs_temperature"),
                           ("reference ", "reference_vs_temperature")):
            for pol, d in (summary.get(key) or {}).items():
                series[f"{label}{pol}"] = ([1000.0 / t for t in d["temperature_K"]],
                                           np.abs(d["effective_conductivity_S_per_cm"]))
        painter.draw("xy", out / "leakage_arrhenius.png", series, "1000 / T (1/K)",
                     "effective electronic conductivity (S/cm)",
                     f"{case_name}: DC polarisation", logy=True)

    @staticmethod
    def console(entry: dict[str, Any]) -> list[str]:
        """sigma_eff per polarity and the ratio to the reference."""
        lk = entry["leakage"]
        parts = [f"sigma_eff({V:+g} V) = {sig:.3g} S/cm"
                 for V, sig in zip(lk["voltage_V"], lk["effective_conductivity_S_per_cm"])]
        parts += [f"ratio to reference({V:+g} V) = {r:.3g}"
                  for V, r in zip(lk["voltage_V"], lk.get("ratio_to_reference", []))]
        return parts
