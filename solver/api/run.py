"""Run cases, sweeps and validations from Python (collective on ``comm``, like the CLI)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from .case import CaseSpec, load_case
from .results import Results, read_results, read_table


def _comm(comm: Any) -> Any:
    if comm is None:
        from ..mpistart import start_mpi

        return start_mpi().COMM_WORLD
    return comm


def _folder(out: str | Path | None, comm: Any) -> tuple[Path, bool]:
    """The output folder (a temporary one, made on rank 0, when ``out`` is None)."""
    if out is not None:
        return Path(out), False
    tmp = tempfile.mkdtemp(prefix="interphase-run-") if comm.rank == 0 else None
    return Path(comm.bcast(tmp, root=0)), True


def _collect(path: Path, temporary: bool, comm: Any, read) -> Any:
    """``read(path)`` on rank 0, broadcast; a temporary folder is removed afterwards."""
    comm.Barrier()
    data = read(path) if comm.rank == 0 else None
    data = comm.bcast(data, root=0)
    if temporary and comm.rank == 0:
        shutil.rmtree(path, ignore_errors=True)
    return data


def run(case: CaseSpec | str | Path, out: str | Path | None = None, comm: Any = None,
        petsc_options: dict[str, str] | None = None) -> Results:
    """Solve a case and return its results (as ``interphase run`` does).

    Args:
        case: A spec from :func:`load_case`, a case file or TOML text.
        out: Results folder (the files ``interphase run`` writes); None: a temporary folder,
            read and removed (the results then live only in the returned object).
        comm: MPI communicator (default ``MPI.COMM_WORLD``); collective on it.
        petsc_options: Extra PETSc options, e.g. ``{"snes_monitor": ""}``.

    Returns:
        The summary and every table as numpy arrays (the same on every rank).

    Raises:
        CaseError: The case is invalid.
        ConvergenceError: A solve failed (PETSc's reason and what was tried).
    """
    from ..results.folder import claimed
    from ..studies.runner import run_case

    comm = _comm(comm)
    spec = load_case(case)
    path, temporary = _folder(out, comm)
    command = ["interphase.run", str(spec.path or "<toml text>"), *spec.sets]
    with spec.file() as file, claimed(path, comm, command):  # one run per folder
        from ..case import load_case as _load

        run_case(_load(file, spec.sets), path, comm, petsc_options, command=command)
    res = _collect(path, temporary, comm, read_results)
    if temporary:
        res.out = None
        for sub in res.studies.values():
            sub.out = None
    return res


def sweep(study: str | Path, out: str | Path, comm: Any = None, restart: bool = False,
          petsc_options: dict[str, str] | None = None) -> dict[str, Any]:
    """Run (or resume) a parameter study (as ``interphase sweep``).

    Args:
        study: Study file (TOML, see the README's "Parameter studies").
        out: Results folder (resumable: the same call again continues).
        comm: MPI communicator (default ``MPI.COMM_WORLD``), split into point groups.
        restart: Discard the folder's results first.
        petsc_options: Extra PETSc options for every point.

    Returns:
        ``{"table": {column: array}, "counts": {status: n}, "total": n, "out": Path}``.
    """
    from ..sweep.runner import run_sweep

    comm = _comm(comm)
    outcome = run_sweep(study, out, restart=restart, comm=comm, petsc_options=petsc_options,
                        command=["interphase.sweep", str(study)])
    table = _collect(outcome.table, False, comm,
                     lambda p: read_table(p) if Path(p).is_file() else {})
    return {"table": table, "counts": dict(outcome.counts), "total": outcome.total,
            "out": Path(out)}


def validate_iv(data: str | Path, case: CaseSpec | str | Path | None = None,
                area_cm2: float | None = None, temperature_K: float | None = None,
                out: str | Path | None = None, comm: Any = None) -> dict[str, Any]:
    """Fit measured I-V(T) data; with ``case``, compare its simulation (``validate --iv``).

    Args:
        data: Measured I-V CSV (units in the header, see the README).
        case: Simulate this case's I-V at the measured temperatures and compare.
        area_cm2: Device area (cm^2) for files with currents instead of densities.
        temperature_K: Temperature (K) of files without a temperature column.
        out: Report folder (None: a temporary one, removed).
        comm: MPI communicator (default ``MPI.COMM_WORLD``).

    Returns:
        The fit summary (``fits`` per temperature, ``activation``, ``comparison`` ...).
    """
    import numpy as np

    from ..validation import read_iv
    from ..validation import validate_iv as _validate

    comm = _comm(comm)
    measured = read_iv(data, area_cm2=area_cm2, temperature_K=temperature_K)
    path, temporary = _folder(out, comm)
    sim = None
    if case is not None:
        temps = ", ".join(f"{t:g}" for t in measured.temperatures_K)
        spec = load_case(case).with_({"temperature_K": measured.temperatures_K,
                                      "study.kind": "iv"}) if temps else load_case(case)
        res = run(spec, path / "simulation", comm)
        sim = {e["temperature_K"]: (np.asarray(e["iv"]["voltage_V"]),
                                    np.asarray(e["iv"]["current_density_A_per_cm2"]) * 1e4)
               for e in res.summary["per_temperature"]}
    summary = _validate(measured, sim=sim, out_dir=path if comm.rank == 0 else None)
    _collect(path, temporary, comm, lambda p: None)
    return comm.bcast(summary, root=0)


def validate_paper(out: str | Path, comm: Any = None, quick: bool = False,
                   parameters: str | Path | None = None) -> dict[str, Any]:
    """Reproduce the paper's experiments and compare (``interphase validate``).

    Args:
        out: Report folder (``report.md``, ``validation.json``, every run under ``runs/``).
        comm: MPI communicator (default ``MPI.COMM_WORLD``).
        quick: Fewer temperatures and sweep points.
        parameters: Calibrated parameters (``calibrated.toml``); default the shipped
            ``cases/validation/calibrated.toml``; ``"none"`` for the library values.

    Returns:
        ``{"metrics": [rows with model, measured, band, verdict], "summaries": {...}}``.
    """
    from ..validation.calibration import read_overrides
    from ..validation.experiments import ROOT
    from ..validation.paper import run_validation

    default = ROOT / "cases" / "validation" / "calibrated.toml"
    params = str(parameters) if parameters else (str(default) if default.is_file() else "none")
    overrides = [] if params == "none" else read_overrides(params)
    return run_validation(Path(out), _comm(comm), quick=quick, overrides=overrides)


def rank(comm: Any = None) -> int:
    """This process's rank in ``comm`` (default ``MPI.COMM_WORLD``): print on rank 0 only."""
    return int(_comm(comm).rank)
