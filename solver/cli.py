"""The ``interphase`` command: argument parsing and user-facing error reporting only."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import EXIT_SOLVER, InterphaseError
from .numerics.options import parse_petsc
from .reporting import raise_on_sigterm, run_reporting


def _setup_logging(rank: int, verbose: bool) -> None:
    """Our messages on stderr (rank 0); other libraries' only from WARNING up.

    The handler sits on the ``solver`` logger: setuptools raises the root logger to INFO while
    the form compiler builds extensions, which would otherwise flood the terminal.
    """
    fmt = "%(asctime)s %(levelname)s %(message)s" if not sys.stderr.isatty() else "%(message)s"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt, datefmt="%H:%M:%S"))
    ours = logging.getLogger("solver")
    ours.handlers = [handler]
    ours.propagate = False
    ours.setLevel(logging.DEBUG if verbose else logging.INFO if rank == 0 else logging.WARNING)
    quiet = logging.StreamHandler(sys.stderr)
    quiet.setLevel(logging.WARNING)
    logging.getLogger().handlers = [quiet]


def _run_out(args: argparse.Namespace) -> Path:
    return Path(args.out) if args.out else Path("results") / Path(args.case).stem


def _cmd_run(args: argparse.Namespace) -> int:
    from mpi4py import MPI

    from .case import load_case
    from .results.folder import claimed
    from .studies.runner import run_case

    comm = MPI.COMM_WORLD
    petsc = parse_petsc(args.petsc)
    sets = [*(args.set or ()), *(["output.plots=false"] if args.no_plots else [])]
    case = load_case(args.case, sets)
    out = _run_out(args)
    with claimed(out, comm, sys.argv):  # locked; the previous run's files replaced
        summary = run_case(case, out, comm, petsc, command=sys.argv)
    if comm.rank == 0:
        print(_short_summary(summary, out))
    return 0 if summary.get("status") == "ok" else EXIT_SOLVER


def _short_summary(s: dict, out: Path) -> str:
    from .studies.registry import KINDS

    if "studies" in s:
        parts = [f"{s['case']}: {len(s['studies'])} studies, status {s['status']}, results in "
                 f"{out}/<study>/"]
        for name, sub in s["studies"].items():
            parts.append(f"[{name}] " + _short_summary(sub, out / name))
        return "\n".join(parts)
    lines = [f"{s['case']}: {s['study']} study, status {s['status']}, results in {out}/"]
    for e in s["per_temperature"]:
        parts = [f"T = {e['temperature_K']:g} K", f"V_bi = {e['built_in_potential_V']:.4f} V"]
        parts += KINDS[s["study"]].console(e)
        lines.append("  " + "; ".join(parts))
        for p in e.get("problems", []):
            lines.append("  stopped: " + p)
    lines.append(f"  wall time {s['provenance']['wall_time_s']:.1f} s on "
                 f"{s['provenance']['mpi_size']} rank(s)")
    return "\n".join(lines)


def _cmd_check(args: argparse.Namespace) -> int:
    from .case import load_case
    from .geometry.check import check_mesh

    case = load_case(args.case, args.set or ())
    mesh = check_mesh(case)  # make / read the mesh as run would; no solver needed
    if case.meshed:
        layers = ", ".join(f"{ly.name} ({ly.material})" for ly in case.layers)
    else:
        layers = ", ".join(f"{ly.name} ({ly.material}, {ly.thickness * 1e9:g} nm)"
                           for ly in case.layers)
    print(f"{args.case}: OK: '{case.name}', {case.study.kind} study, layers {layers}; {mesh}")
    return 0


def _cmd_materials(args: argparse.Namespace) -> int:
    from .materials import MaterialLibrary

    lib = MaterialLibrary()
    rows = lib.table()
    names = [args.name] if args.name else lib.names()
    for name in names:
        if name not in lib.names():
            raise InterphaseError(f"unknown material '{name}'; known: {', '.join(lib.names())}")
        mat = lib.get(name)
        print(f"{name} ({lib.kind(name)}): {mat.description}")
        for r in rows:
            if r["material"] == name:
                kind = "" if r["kind"] == lib.kind(name) else f"{r['kind']}: "
                print(f"    {kind}{r['key']:<28} {r['value']:>12}   {r['source']}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from mpi4py import MPI

    from .validation import format_summary, read_iv, validate_iv

    comm = MPI.COMM_WORLD
    if not args.iv:
        return _validate_paper(args, comm)
    data = read_iv(args.iv, area_cm2=args.area, temperature_K=args.temperature)
    out = Path(args.out) if args.out else Path("results") / ("validate_" + Path(args.iv).stem)
    sim = None
    if args.case:
        sim = _simulate_iv(args.case, data.temperatures_K, out / "simulation", comm)
    summary = validate_iv(data, sim=sim, out_dir=out if comm.rank == 0 else None)
    if comm.rank == 0:
        print(format_summary(summary))
        print(f"  report in {out}/")
    return 0


def _validate_paper(args: argparse.Namespace, comm) -> int:
    from .validation.calibration import read_overrides
    from .validation.experiments import ROOT
    from .validation.paper import run_validation

    out = Path(args.out) if args.out else Path("results") / "validation"
    default = ROOT / "cases" / "validation" / "calibrated.toml"
    params = args.parameters or (str(default) if default.is_file() else "none")
    overrides = [] if params == "none" else read_overrides(params)
    result = run_validation(out, comm, quick=args.quick, overrides=overrides)
    if comm.rank == 0:
        from .validation.paper import _fmt

        for r in result["metrics"]:
            print(f"  {r['verdict']:>7}  {r['quantity']}: model {_fmt(r['model'])} "
                  f"(measured {_fmt(r['measured'])})")
        print(f"report in {out}/report.md")
    return 0


def _simulate_iv(case_path: str, temps: list[float], out: Path, comm) -> dict:
    """Run a case's I-V study at the measured temperatures; ``{T: (V, J in A/m^2)}``."""
    import numpy as np

    from .case import load_case
    from .studies.runner import run_case

    tlist = ", ".join(f"{t:g}" for t in temps)
    case = load_case(case_path, [f"temperature_K=[{tlist}]", 'study.kind="iv"'])
    summary = run_case(case, out, comm, command=sys.argv)
    return {e["temperature_K"]: (np.asarray(e["iv"]["voltage_V"]),
                                 np.asarray(e["iv"]["current_density_A_per_cm2"]) * 1e4)
            for e in summary["per_temperature"]}


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from mpi4py import MPI

    from .validation.calibration import SPEC, calibrate

    comm = MPI.COMM_WORLD
    out = Path(args.out) if args.out else Path("results") / "calibration"
    result = calibrate(out, comm, Path(args.spec) if args.spec else SPEC, args.max_evaluations)
    if comm.rank == 0:
        for k, v in result["parameters"].items():
            print(f"  {k} = {v:.4g}")
        print(f"  targets at the optimum: {result['model_at_best']}")
        print(f"  {result['message']}; parameters in {out}/calibrated.toml")
    return 0


def _cmd_keys(args: argparse.Namespace) -> int:
    from .case import reference_markdown

    print(reference_markdown())
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from .results.replot import plot

    for png in plot(args.results, field=args.field, bias=args.bias,
                    temperature=args.temperature, out=args.out):
        print(png)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    p = argparse.ArgumentParser(prog="interphase", description=__doc__)
    p.add_argument("--version", action="version", version=f"interphase {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="solve a case and write results")
    r.add_argument("case", help="case file (TOML)")
    r.add_argument("--out", help="output folder (default results/<case name>)")
    r.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a case key, e.g. --set layers.0.acceptors_cm3=1e18")
    r.add_argument("--petsc", default="", help='PETSc options, e.g. --petsc "-snes_monitor"')
    r.add_argument("--no-plots", action="store_true",
                   help="write no PNG pictures (the same as --set output.plots=false)")
    r.set_defaults(func=_cmd_run)
    c = sub.add_parser("check", help="validate a case without solving")
    c.add_argument("case")
    c.add_argument("--set", action="append", metavar="KEY=VALUE")
    c.set_defaults(func=_cmd_check)
    m = sub.add_parser("materials", help="list the material library with sources")
    m.add_argument("name", nargs="?", help="one material")
    m.set_defaults(func=_cmd_materials)
    v = sub.add_parser("validate", help="fit measured I-V(T) data; compare with a simulation")
    v.add_argument("--iv", help="measured I-V CSV (units in the header)")
    v.add_argument("--case", help="simulate this case's I-V at the measured temperatures")
    v.add_argument("--area", type=float, help="device area (cm2) when the file has currents")
    v.add_argument("--temperature", type=float, help="temperature (K) for files without one")
    v.add_argument("--out", help="report folder (default results/validation or "
                   "results/validate_<file>)")
    v.add_argument("--quick", action="store_true", help="paper validation with fewer "
                   "temperatures and frequencies")
    v.add_argument("--parameters", help="calibrated parameters (calibrated.toml from "
                   "`interphase calibrate`; default cases/validation/calibrated.toml; 'none' "
                   "for the library values)")
    v.set_defaults(func=_cmd_validate)
    cal = sub.add_parser("calibrate", help="fit the uncertain parameters to the calibration "
                         "targets (MPI-parallel finite differences)")
    cal.add_argument("--spec", help="calibration file (default cases/validation/calibration.toml)")
    cal.add_argument("--out", help="output folder (default results/calibration)")
    cal.add_argument("--max-evaluations", type=int, default=30,
                     help="least-squares function evaluations (each = n+1 simulations)")
    cal.set_defaults(func=_cmd_calibrate)
    pl = sub.add_parser("plot", help="re-render the pictures of a results folder from its "
                        "field files (no solve)")
    pl.add_argument("results", help="results folder of `interphase run`")
    pl.add_argument("--field", help="one field: psi_V, n_cm3, p_cm3, J_A_per_cm2, Ec_eV, ...")
    pl.add_argument("--bias", type=float, help="bias (V) of the bias series (default: the "
                    "largest |bias|)")
    pl.add_argument("--temperature", type=float, help="temperature (K) of a multi-temperature "
                    "run (default: every one)")
    pl.add_argument("--out", help="folder of the PNGs (default the results folder)")
    pl.set_defaults(func=_cmd_plot)
    k = sub.add_parser("keys", help="print the case-file reference (Markdown)")
    k.set_defaults(func=_cmd_keys)
    from .sweep.cli import add_sweep_parser

    add_sweep_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``interphase`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # let `--petsc "-snes_monitor"` through (argparse rejects values that start with '-')
    for i in range(len(argv) - 1):
        if argv[i] == "--petsc":
            argv[i:i + 2] = [f"--petsc={argv[i + 1]}", ""]
    args = build_parser().parse_args([a for a in argv if a != ""])
    raise_on_sigterm()
    rank, comm = 0, None
    if args.command in ("run", "validate", "calibrate") or (
            args.command == "sweep" and not args.status):
        from .mpistart import start_mpi

        MPI = start_mpi()
        rank = MPI.COMM_WORLD.rank
        if MPI.COMM_WORLD.size > 1:  # errors agreed on a communicator of their own
            comm = MPI.COMM_WORLD.Dup()
    _setup_logging(rank, args.verbose)
    return run_reporting(args.func, args, rank=rank, comm=comm, log_dir=lambda: _log_dir(args))


def _log_dir(args: argparse.Namespace) -> Path | None:
    """The command's output folder if it exists (for an internal error's traceback)."""
    out = _run_out(args) if args.command == "run" else getattr(args, "out", None)
    return Path(out) if out and Path(out).is_dir() else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
