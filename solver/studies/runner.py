"""Run a case: build the device once, run its study at every temperature, write results."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from mpi4py import MPI

from ..case import Case, Study
from ..device.problem import DeviceProblem
from ..device.readout import cell_samples
from ..errors import CaseError
from ..results.atomic import write_json
from ..results.maps import field_maps
from ..results.outputs import write_outputs
from ..results.provenance import provenance
from .pictures import BiasPoints, field_writer, wants_points, write_bias_pictures
from .registry import KINDS

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
    if len(case.studies) == 1:
        return run_study(pb, case.study, out, t0, petsc_options, command)
    summaries = {s.name: run_study(pb, s, out / s.name, t0, petsc_options, command)
                 for s in case.studies}
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
    writer = None
    if comm.rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    comm.Barrier()
    if case.fields:
        writer = field_writer(pb, out / "fields.xdmf")
    kind = KINDS[study.kind](pb, study, petsc_options)
    for T in case.temperatures:
        suffix = "" if len(case.temperatures) == 1 else f"_{T:g}K"
        points = BiasPoints(pb) if wants_points(pb, kind.sweeps_bias) else None
        entry, bd = kind.run(T, on_point=points)
        if points is not None:
            maps = write_bias_pictures(pb, points, out, suffix, f"{case.name}: {T:g} K")
            if maps:
                entry["electron_entry"] = maps
        if pb.dm.mesh.topology.dim >= 2 and case.plots:
            state = pb.snapshot()
            if points is not None and points.points:  # the map at the largest |bias|
                pb.restore(max(points.sorted(), key=lambda p: abs(p[0]))[1])
            samples = cell_samples(pb)
            bias = pb.contacts[study.contact].bias
            pb.restore(state)
            if comm.rank == 0:
                field_maps(out / f"field_map{suffix}.png", samples,
                           f"{case.name}: {T:g} K, {study.contact} at {bias:+g} V")
        if writer:
            pb.restore(pb.equilibrium_state)
            writer.write(T)
        entries.append(entry)
        bds.append(bd)
        status = "ok" if all(e.get("status", "ok") == "ok" for e in entries) else "incomplete"
        if len(entries) < len(case.temperatures):
            status = "running"
        if comm.rank == 0:
            extra = {"status": status, "mesh": mesh_info, **kind.across_temperatures(entries),
                     "provenance": provenance(case.source_hash, comm.size,
                                              time.perf_counter() - t0, command)}
            extra["fields"] = "fields.xdmf (time = temperature in K; x in units of "\
                f"{pb.scaling.L0 * 1e9:g} nm)" if writer else None
            summary = write_outputs(out, case_name=case.name, kind=kind,
                                    layer_names=pb.dm.layer_names, entries=entries, bds=bds,
                                    extra=extra, plots_on=case.plots,
                                    n_temperatures=len(case.temperatures))
    if writer:
        writer.close()
    return comm.bcast(summary, root=0)
