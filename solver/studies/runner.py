"""Run a case: build the device once, run its study at every temperature, write results."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from mpi4py import MPI

from ..case import Case, Study
from ..device.fieldset import FieldSampler
from ..device.problem import DeviceProblem
from ..errors import CaseError, one_line
from ..results import painter
from ..results.atomic import write_json
from ..results.fields import FieldSeries
from ..results.outputs import write_outputs
from ..results.provenance import provenance
from .pictures import BiasPoints, electron_entry, temperature_pictures, wants_points, wants_sampler
from .registry import KINDS
from .stopped import reraise, stopped_status, write_stopped

log = logging.getLogger(__name__)

def run_case(case: Case, out: str | Path, comm: MPI.Comm = MPI.COMM_WORLD,
             petsc_options: dict[str, str] | None = None,
             command: list[str] | None = None) -> dict[str, Any]:
    """Run every study of ``case`` and write its results under ``out``.

    One study: its files go to ``out``. Several: each to ``out/<study name>`` and ``out``
    gets a summary with one entry per study. Results are rewritten (atomically) after every
    temperature, so a killed run keeps what it finished.

    Args:
        case: The validated case.
        out: Output folder.
        comm: Communicator.
        petsc_options: Extra PETSc options.
        command: Command line for the provenance record.

    Returns:
        The summary (on every rank).
    """
    t0 = time.perf_counter()
    for study in case.studies:
        if study.kind not in KINDS:
            raise CaseError(f"study kind '{study.kind}' is not available in this version",
                            file=case.path, key="study.kind",
                            hint=f"available: {', '.join(KINDS)}")
    out = Path(out)
    pb = DeviceProblem(case, comm, petsc_options)
    summaries: dict[str, Any] = {}
    try:
        if len(case.studies) == 1:
            return run_study(pb, case.study, out, t0, petsc_options, command)
        for s in case.studies:
            summaries[s.name] = run_study(pb, s, out / s.name, t0, petsc_options, command)
    except BaseException as exc:  # the top summary says which studies finished
        if comm.rank == 0 and len(case.studies) > 1:
            write_json(out / "summary.json", {
                "case": case.name, "studies": summaries, "status": stopped_status(exc),
                "stopped": one_line(exc), "provenance": provenance(
                    case.source_hash, comm.size, time.perf_counter() - t0, command)})
        raise
    finally:
        painter.finish()  # the PNGs a run queued are on disk when it returns
    summary = {"case": case.name, "studies": summaries,
               "status": "ok" if all(v["status"] == "ok" for v in summaries.values())
               else "incomplete",
               "provenance": provenance(case.source_hash, comm.size,
                                        time.perf_counter() - t0, command)}
    if comm.rank == 0:
        write_json(out / "summary.json", summary)
    return summary


def run_study(pb: DeviceProblem, study: Study, out: Path, t0: float,
              petsc_options: dict[str, str] | None = None,
              command: list[str] | None = None) -> dict[str, Any]:
    """Run one study at every temperature of the case and write its files under ``out``."""
    case, comm = pb.case, pb.comm
    mesh_info = {"nodes": comm.allreduce(pb.dm.num_nodes, op=MPI.SUM),
                 "length_nm": pb.scaling.L0 * 1e9}
    entries, bds = [], []
    summary: dict[str, Any] = {}
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    comm.Barrier()
    sampler = FieldSampler(pb) if wants_sampler(pb) else None
    series: dict[str, FieldSeries] = {}

    def new_series(name: str, quantity: str) -> FieldSeries | None:
        if not case.fields or comm.rank != 0:
            return None
        series[name] = FieldSeries(out, name, quantity)
        return series[name]

    equilibrium = new_series("fields", "temperature_K")
    kind = KINDS[study.kind](pb, study, petsc_options)
    try:
        for T in case.temperatures:
            suffix = "" if len(case.temperatures) == 1 else f"_{T:g}K"
            points = None
            if wants_points(pb, kind.sweeps_bias):
                points = BiasPoints(pb, sampler, new_series(f"fields_bias{suffix}", "bias_V"),
                                    write=case.fields)
            entry, bd = kind.run(T, on_point=points)
            title = f"{case.name}: {T:g} K"
            facets: list = []
            if points is not None:
                maps, facets = electron_entry(pb, points, out, suffix, title)
                if maps:
                    entry["electron_entry"] = maps
            temperature_pictures(pb, out, suffix, title, study.contact, sampler, points, facets)
            if case.fields and sampler is not None:
                state = pb.snapshot()
                pb.restore(pb.equilibrium_state)
                grid = sampler.sample()
                pb.restore(state)
                if equilibrium is not None:
                    equilibrium.write(T, grid)
            entries.append(entry)
            bds.append(bd)
            status = "ok" if all(e.get("status", "ok") == "ok" for e in entries) else "incomplete"
            if len(entries) < len(case.temperatures):
                status = "running"
            if comm.rank == 0:
                extra = {"status": status, "mesh": mesh_info, "linear_solver": pb.linear_stats(),
                         **kind.across_temperatures(entries),
                         "provenance": provenance(case.source_hash, comm.size,
                                                  time.perf_counter() - t0, command)}
                extra["fields"] = ({f"{name}.pvd": s.record() for name, s in series.items()}
                                   if case.fields else None)
                summary = write_outputs(out, case_name=case.name, kind=kind,
                                        layer_names=pb.dm.layer_names, entries=entries, bds=bds,
                                        extra=extra, plots_on=case.plots,
                                        n_temperatures=len(case.temperatures))
    except BaseException as exc:  # summary.json says why the run stopped and what it kept
        kept = write_stopped(out, {"case": case.name, "study": study.kind}, bool(entries), exc,
                             case.source_hash, comm.size, t0, command) if comm.rank == 0 else 0
        reraise(exc, kept, len(case.temperatures), out)
    return comm.bcast(summary, root=0)
