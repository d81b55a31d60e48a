"""`interphase calibrate`: fit the declared uncertain parameters to the calibration targets only.

Least squares (scipy, trust-region reflective, bounds) on residuals ``(model - measured) /
band`` of the target metrics (log10 over log10(band) for conductivities), plus a weak pull
(0.05 per unit of the normalised parameter) toward the start values that keeps under-determined
directions near the literature. Parameters live on [0, 1] (log scale where declared). The
finite-difference Jacobian is evaluated in parallel: MPI_COMM_WORLD is split into single-rank
groups and the n+1 simulations of each Jacobian are shared among them. After the fit,
:mod:`solver.validation.identifiability` says what the data pin down.

A parameter may also be declared relative to a library value (``relative_to`` and ``sign``):
the band offset ``E_c(TiO2) - E_c(a-Si) = chi(a-Si) - chi(TiO2)`` is one parameter that sets
``chi(TiO2) = chi(a-Si) - offset``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mpi4py import MPI

from ..errors import CaseError, InterphaseError
from ..results.atomic import write_json, write_text
from .experiments import ROOT, load_spec, measured, run_experiment
from .metrics import metrics

SPEC = ROOT / "cases" / "validation" / "calibration.toml"
PRIOR = 0.05  # pull toward the start, per unit of the normalised parameter
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parameter:
    """An uncertain parameter: --set keys, bounds, start, log scale, optional library base."""

    name: str
    keys: tuple[str, ...]
    lo: float
    hi: float
    start: float
    log: bool
    base: float = 0.0
    sign: float = 1.0

    def to_unit(self, v: float) -> float:
        """Value -> [0, 1]."""
        f = math.log if self.log else (lambda x: x)
        return (f(v) - f(self.lo)) / (f(self.hi) - f(self.lo))

    def from_unit(self, z: float) -> float:
        """[0, 1] -> value."""
        if self.log:
            return math.exp(math.log(self.lo) + z * (math.log(self.hi) - math.log(self.lo)))
        return self.lo + z * (self.hi - self.lo)

    def key_value(self, v: float) -> float:
        """The value written to the keys (``base + sign v``; ``v`` itself without a base)."""
        return self.base + self.sign * v


@dataclass(frozen=True)
class CalibrationSpec:
    """A calibration file: parameters, target metrics, experiment overrides, fixed settings."""

    parameters: list[Parameter]
    targets: list[str]
    experiment_sets: dict[str, list[str]]
    fixed: list[str]


def _library_value(ref: str, path: Path) -> float:
    """``"a-Si.chi_eV"`` -> the library value in the key's unit."""
    from ..materials import MaterialLibrary
    from ..materials.library import UNITS
    from ..units import from_si, split_key

    name, _, key = ref.partition(".")
    lib = MaterialLibrary()
    field = {v: k for k, v in UNITS.items()}.get(key, key)
    try:
        value = getattr(lib.get(name), field)
    except (InterphaseError, AttributeError):
        raise CaseError(f"no library value '{ref}'", file=str(path)) from None
    return from_si(value, split_key(key)[1])


def read_spec(path: Path = SPEC) -> CalibrationSpec:
    """Parameters, target metric names, per-experiment overrides and fixed settings."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"cannot read the calibration file ({exc})", file=str(path)) from None
    params = []
    for name, p in doc.get("parameters", {}).items():
        where = f"parameters.{name}"
        try:
            lo, hi = (float(b) for b in p["bounds"])
            start, keys = float(p["start"]), tuple(p["keys"])
        except (KeyError, TypeError, ValueError):
            raise CaseError("needs keys = [...], bounds = [lo, hi] and start", file=str(path),
                            key=where) from None
        if not lo < start < hi or (p.get("log") and lo <= 0):
            raise CaseError("start must lie inside bounds (and log bounds be > 0)",
                            file=str(path), key=where)
        base = _library_value(p["relative_to"], path) if "relative_to" in p else 0.0
        params.append(Parameter(name, keys, lo, hi, start, bool(p.get("log", False)),
                                base, float(p.get("sign", 1.0))))
    known = {m.name for m in metrics(measured())}
    for t in doc.get("targets", []):
        if t not in known:
            raise CaseError(f"unknown metric '{t}'", file=str(path), key="targets",
                            hint=f"metrics: {', '.join(sorted(known))}")
    return CalibrationSpec(params, list(doc.get("targets", [])),
                           dict(doc.get("experiment_sets", {})), list(doc.get("fixed", [])))


def overrides_for(params: Sequence[Parameter], values: Sequence[float]) -> list[str]:
    """--set overrides for parameter values."""
    return [f"{k}={float(p.key_value(v))!r}" for p, v in zip(params, values, strict=True)
            for k in p.keys]


def read_overrides(path: str | Path) -> list[str]:
    """The --set overrides stored in a ``calibrated.toml``."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"cannot read calibrated parameters ({exc})", file=str(path)) from None
    if not isinstance(doc.get("sets"), list):
        raise CaseError("needs sets = [...]", file=str(path), key="sets")
    return [str(s) for s in doc["sets"]]


def model_values(values: Sequence[float], spec: CalibrationSpec, work: Path) -> np.ndarray:
    """Model values of the target metrics for one parameter set (on COMM_SELF)."""
    exps = load_spec()
    ms = {m.name: m for m in metrics(measured())}
    needed = sorted({e for t in spec.targets for e in ms[t].needs})
    sets = [*spec.fixed, *overrides_for(spec.parameters, values)]
    summaries = {}
    for name in needed:
        exp = dict(exps[name])
        exp["quick_sets"] = spec.experiment_sets.get(name, exp["quick_sets"])
        summaries[name] = run_experiment(exp, work / name, MPI.COMM_SELF, quick=True,
                                         overrides=sets, plots=False)
    out = []
    for t in spec.targets:
        try:
            out.append(float(ms[t].model(summaries)))
        except (LookupError, ValueError, ZeroDivisionError):
            out.append(math.nan)
    return np.array(out)


def residuals(model: np.ndarray, targets: Sequence[str]) -> np.ndarray:
    """Normalised misfits: within the metric's band means |r| <= 1 (NaN -> a large penalty)."""
    ms = {m.name: m for m in metrics(measured())}
    r = []
    for t, v in zip(targets, model, strict=True):
        m = ms[t]
        if m.band[0] == "factor":
            r.append(math.log10(max(v, 1e-300) / m.measured) / math.log10(m.band[1]))
        else:
            r.append((v - m.measured) / m.band[1])
    return np.nan_to_num(np.array(r), nan=1e3)


class Evaluator:
    """Model values at many points, shared among the ranks of ``comm`` (one point per rank).

    Args:
        spec: The calibration.
        comm: Communicator; each rank evaluates its share of a batch on COMM_SELF.
        store: Optional JSON-lines file of finished points (read at start, appended by rank 0).
    """

    def __init__(self, spec: CalibrationSpec, comm: MPI.Comm, store: Path | None = None) -> None:
        self.spec, self.comm, self.store = spec, comm, store
        self.cache: dict[tuple, np.ndarray] = {}
        self.evaluations = 0
        self.fingerprint = fingerprint(spec)
        if store is not None:
            self.cache.update(read_store(store, self.fingerprint, len(spec.targets)))
        self.replayed = len(self.cache)

    def __call__(self, zs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Model values (target metrics) at each unit-space point of ``zs``."""
        keys = [tuple(np.round(z, 12)) for z in zs]
        todo = [k for k in dict.fromkeys(keys) if k not in self.cache]
        mine = {}
        with tempfile.TemporaryDirectory(prefix=f"calib{self.comm.rank}-") as tmp:
            for i in range(self.comm.rank, len(todo), self.comm.size):
                vals = [p.from_unit(v) for p, v in zip(self.spec.parameters, todo[i],
                                                        strict=True)]
                try:
                    mine[todo[i]] = model_values(vals, self.spec, Path(tmp) / str(i))
                except InterphaseError as exc:  # a failed point must not hang the others
                    log.warning("calibration point failed: %s", exc)
                    mine[todo[i]] = np.full(len(self.spec.targets), np.nan)
        new: dict[tuple, np.ndarray] = {}
        for part in self.comm.allgather(mine):
            new.update(part)
        self.cache.update(new)
        if self.store is not None and self.comm.rank == 0 and new:
            append_store(self.store, self.fingerprint, new)
        self.evaluations += len(todo)
        return [self.cache[k] for k in keys]


def fingerprint(spec: CalibrationSpec) -> str:
    """A short hash of everything that decides a simulation's result."""
    text = repr((spec.parameters, spec.targets, spec.fixed,
                 sorted(spec.experiment_sets.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_store(path: Path, tag: str, n_targets: int) -> dict[tuple, np.ndarray]:
    """Finished points of a calibration with fingerprint ``tag`` (a torn last line is skipped)."""
    found: dict[tuple, np.ndarray] = {}
    try:
        lines = path.read_text().splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return found
    for line in lines:
        try:
            rec = json.loads(line)
            if rec["fingerprint"] == tag and len(rec["model"]) == n_targets:
                found[tuple(float(v) for v in rec["z"])] = np.array(rec["model"], dtype=float)
        except (ValueError, KeyError, TypeError):
            continue
    return found


def append_store(path: Path, tag: str, points: dict[tuple, np.ndarray]) -> None:
    """Append finished points, one flushed and synced line each."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        for z, model in points.items():
            fh.write(json.dumps({"fingerprint": tag, "z": list(z),
                                 "model": model.tolist()}) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def jacobian(evaluate: Callable, z: np.ndarray, targets: Sequence[str],
             h: float = 0.02) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Residuals, model values and forward-difference Jacobian (unit space) at ``z``."""
    steps = [h if z[i] + h <= 1 else -h for i in range(len(z))]
    points = [z] + [z + steps[i] * np.eye(len(z))[i] for i in range(len(z))]
    models = evaluate(points)
    f0 = residuals(models[0], targets)
    J = np.column_stack([(residuals(models[i + 1], targets) - f0) / steps[i]
                         for i in range(len(z))])
    return f0, models[0], J


def calibrate(out: Path, comm: MPI.Comm, path: Path = SPEC, max_nfev: int = 30,
              profiles: bool = True, profile_points: int = 5) -> dict:
    """Run the calibration; writes ``calibration.json``, ``calibration.md``, ``calibrated.toml``.

    Args:
        out: Output folder.
        comm: Communicator (the simulations are shared among its ranks).
        path: The calibration file.
        max_nfev: Least-squares iterations (each one Jacobian: n + 1 simulations).
        profiles: Also compute profile-likelihood ranges (3 batches of n x profile_points
            simulations).
        profile_points: Grid points of each profile across the bounds.
    """
    from scipy.optimize import least_squares

    from .identifiability import analyse, markdown

    spec = read_spec(path)
    evaluate = Evaluator(spec, comm, out / "evaluations.jsonl")
    if evaluate.replayed:
        log.info("calibration: %d finished simulations read from %s", evaluate.replayed,
                 out / "evaluations.jsonl")
    z0 = np.array([p.to_unit(p.start) for p in spec.parameters])
    history: list[dict[str, Any]] = []
    memo: dict[tuple, tuple] = {}

    def at(z):
        key = tuple(np.round(z, 12))
        if key not in memo:
            memo[key] = jacobian(evaluate, z, spec.targets)
            f0, model, _ = memo[key]
            history.append({"parameters": {p.name: p.from_unit(v)
                                           for p, v in zip(spec.parameters, z, strict=True)},
                            "model": dict(zip(spec.targets, model.tolist(), strict=True)),
                            "residuals": f0.tolist()})
            log.info("calibration %d: %s -> %s", len(history), history[-1]["parameters"],
                     history[-1]["model"])
        return memo[key]

    res = least_squares(lambda z: np.concatenate([at(z)[0], PRIOR * (z - z0)]), z0,
                        jac=lambda z: np.vstack([at(z)[2], PRIOR * np.eye(len(z))]),
                        bounds=(0.0, 1.0), max_nfev=max_nfev, x_scale=1.0)
    f0, model, J = at(res.x)
    ident = analyse(spec, res.x, f0, J, evaluate, z0, PRIOR, profiles_on=profiles,
                    profile_points=profile_points)
    best = {p.name: p.from_unit(v) for p, v in zip(spec.parameters, res.x, strict=True)}
    result = {"targets": spec.targets, "parameters": best, "success": bool(res.success),
              "message": res.message, "cost": float(res.cost), "history": history,
              "model_at_best": dict(zip(spec.targets, model.tolist(), strict=True)),
              "fixed": spec.fixed, "identifiability": ident,
              "simulations": evaluate.evaluations}
    if comm.rank == 0:
        write_json(out / "calibration.json", result)
        write_text(out / "calibration.md", markdown(result, spec))
        sets = spec.fixed + overrides_for(spec.parameters, list(best.values()))
        lines = ["# Calibrated parameters (interphase calibrate); use with",
                 "# interphase validate --parameters this-file", "sets = ["]
        lines += [f'  "{s}",' for s in sets] + ["]"]
        write_text(out / "calibrated.toml", "\n".join(lines) + "\n")
    return result
