"""`interphase calibrate`: fit the declared uncertain parameters to the calibration targets only.

Least squares (scipy, trust-region reflective, bounds) on residuals ``(model - measured) /
scale`` of the target metrics (log10 for conductivities), plus a weak pull (0.05 per unit of the
normalised parameter) toward the start values that keeps under-determined fits near the
library. The finite-difference Jacobian is evaluated in parallel: MPI_COMM_WORLD is split into
single-rank groups and the n+1 simulations of each Jacobian are shared among them.
"""

from __future__ import annotations

import logging
import math
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from mpi4py import MPI

from ..errors import CaseError, InterphaseError
from ..results.atomic import write_json, write_text
from .experiments import ROOT, load_spec, measured, run_experiment
from .metrics import metrics

SPEC = ROOT / "cases" / "validation" / "calibration.toml"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parameter:
    """An uncertain parameter: --set keys, bounds, start, log scale."""

    name: str
    keys: tuple[str, ...]
    lo: float
    hi: float
    start: float
    log: bool

    def to_unit(self, v: float) -> float:
        """Value -> [0, 1]."""
        f = math.log if self.log else (lambda x: x)
        return (f(v) - f(self.lo)) / (f(self.hi) - f(self.lo))

    def from_unit(self, z: float) -> float:
        """[0, 1] -> value."""
        if self.log:
            return math.exp(math.log(self.lo) + z * (math.log(self.hi) - math.log(self.lo)))
        return self.lo + z * (self.hi - self.lo)


def read_spec(path: Path = SPEC) -> tuple[list[Parameter], list[str], dict[str, list[str]]]:
    """Parameters, target metric names and per-experiment overrides of a calibration file."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"cannot read the calibration file ({exc})", file=str(path)) from None
    params = []
    for name, p in doc.get("parameters", {}).items():
        lo, hi = p["bounds"]
        if not lo < p["start"] < hi:
            raise CaseError("start must lie inside bounds", file=str(path),
                            key=f"parameters.{name}")
        params.append(Parameter(name, tuple(p["keys"]), float(lo), float(hi),
                                float(p["start"]), bool(p.get("log", False))))
    known = {m.name for m in metrics(measured())}
    for t in doc.get("targets", []):
        if t not in known:
            raise CaseError(f"unknown metric '{t}'", file=str(path), key="targets",
                            hint=f"metrics: {', '.join(sorted(known))}")
    return params, list(doc.get("targets", [])), dict(doc.get("experiment_sets", {}))


def overrides_for(params: list[Parameter], values: np.ndarray) -> list[str]:
    """--set overrides for parameter values."""
    return [f"{k}={float(v)!r}" for p, v in zip(params, values, strict=True) for k in p.keys]


def read_overrides(path: str | Path) -> list[str]:
    """The --set overrides stored in a ``calibrated.toml``."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"cannot read calibrated parameters ({exc})", file=str(path)) from None
    if not isinstance(doc.get("sets"), list):
        raise CaseError("needs sets = [...]", file=str(path), key="sets")
    return [str(s) for s in doc["sets"]]


def _evaluate(values: np.ndarray, params, targets, exp_sets, work: Path) -> np.ndarray:
    """Model values of the target metrics for one parameter set (on COMM_SELF)."""
    spec = load_spec()
    ms = {m.name: m for m in metrics(measured())}
    needed = sorted({e for t in targets for e in ms[t].needs})
    summaries = {}
    sets = overrides_for(params, values)
    for name in needed:
        exp = dict(spec[name])
        exp["quick_sets"] = exp_sets.get(name, exp["quick_sets"])
        summaries[name] = run_experiment(exp, work / name, MPI.COMM_SELF, quick=True,
                                         overrides=sets, plots=False)
    out = []
    for t in targets:
        try:
            out.append(float(ms[t].model(summaries)))
        except (LookupError, ValueError):
            out.append(math.nan)
    return np.array(out)


def _residuals(model: np.ndarray, targets: list[str]) -> np.ndarray:
    ms = {m.name: m for m in metrics(measured())}
    r = []
    for t, v in zip(targets, model, strict=True):
        m = ms[t]
        if m.band[0] == "factor":
            r.append(math.log10(max(v, 1e-300) / m.measured) / math.log10(m.band[1]))
        else:
            r.append((v - m.measured) / m.band[1])
    return np.nan_to_num(np.array(r), nan=1e3)


def calibrate(out: Path, comm: MPI.Comm, path: Path = SPEC, max_nfev: int = 30) -> dict:
    """Run the calibration; writes ``calibration.json`` and ``calibrated.toml`` (rank 0)."""
    params, targets, exp_sets = read_spec(path)
    z0 = np.array([p.to_unit(p.start) for p in params])
    cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    history: list[dict[str, Any]] = []
    h = 0.02

    def batch(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = tuple(np.round(z, 12))
        if key in cache:
            return cache[key]
        points = [z] + [z + h * np.eye(len(z))[i] * (1 if z[i] + h <= 1 else -1)
                        for i in range(len(z))]
        mine = {}
        with tempfile.TemporaryDirectory(prefix=f"calib{comm.rank}-") as tmp:
            for k in range(comm.rank, len(points), comm.size):
                vals = np.array([p.from_unit(v) for p, v in zip(params, points[k], strict=True)])
                try:
                    mine[k] = _evaluate(vals, params, targets, exp_sets, Path(tmp) / str(k))
                except InterphaseError as exc:  # a failed point must not hang the others
                    log.warning("calibration point failed: %s", exc)
                    mine[k] = np.full(len(targets), np.nan)
        got = {}
        for part in comm.allgather(mine):
            got.update(part)
        f0 = _residuals(got[0], targets)
        J = np.column_stack([(_residuals(got[i + 1], targets) - f0) /
                             (points[i + 1][i] - z[i]) for i in range(len(z))])
        log.info("calibration %d: %s -> %s", len(history),
                 {p.name: f"{p.from_unit(v):.4g}" for p, v in zip(params, z)},
                 {t: f"{v:.4g}" for t, v in zip(targets, got[0])})
        history.append({"parameters": {p.name: p.from_unit(v) for p, v in zip(params, z)},
                        "model": dict(zip(targets, got[0].tolist())),
                        "residuals": f0.tolist()})
        cache[key] = (f0, J)
        return f0, J

    prior = 0.05

    def fun(z):
        return np.concatenate([batch(z)[0], prior * (z - z0)])

    def jac(z):
        return np.vstack([batch(z)[1], prior * np.eye(len(z))])

    res = least_squares(fun, z0, jac=jac, bounds=(0.0, 1.0), max_nfev=max_nfev, x_scale=1.0)
    best = {p.name: p.from_unit(v) for p, v in zip(params, res.x)}
    result = {"targets": targets, "parameters": best, "success": bool(res.success),
              "message": res.message, "cost": float(res.cost), "history": history,
              "model_at_best": history[-1]["model"] if history else {}}
    if comm.rank == 0:
        write_json(out / "calibration.json", result)
        sets = overrides_for(params, np.array(list(best.values())))
        lines = ["# Calibrated parameters (interphase calibrate); use with",
                 "# interphase validate --parameters this-file", "sets = ["]
        lines += [f'  "{s}",' for s in sets] + ["]"]
        write_text(out / "calibrated.toml", "\n".join(lines) + "\n")
    return result
