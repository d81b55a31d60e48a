"""What the calibration data pin down: sensitivities, correlations, profile ranges, bound flags.

All in the normalised parameter space ``z in [0, 1]`` of :mod:`solver.validation.calibration`
(log scale for log parameters), on the normalised residuals ``r`` (|r| <= 1: the metric is
inside its acceptance band):

- sensitivities ``dr/dz`` of every target to every parameter (forward differences at the
  optimum), also as the change of the metric per decade (log) or per unit (linear) of the
  parameter;
- the correlation matrix of the linearised posterior ``(J^T J + prior^2 I)^-1``;
- profile-likelihood ranges: each parameter fixed on a grid across its bounds while the others
  are re-fitted (two Gauss-Newton steps with the optimum's Jacobian, every step a real
  simulation), the range being where ``sum r^2`` stays within 1 of its minimum (the targets
  stay about inside their bands);
- a flag on every parameter that ends within 2 % of a bound.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .experiments import measured
from .metrics import metrics

GRID = 5  # profile points across each parameter's bounds
ON_BOUND = 0.02  # distance to a bound (unit space) that flags a parameter


def _profile_points(z: np.ndarray, J: np.ndarray, f: np.ndarray, z0: np.ndarray,
                    prior: float, k: int) -> np.ndarray:
    """One Gauss-Newton step of all parameters but ``k`` (frozen Jacobian), clipped to [0, 1]."""
    others = [i for i in range(len(z)) if i != k]
    Jo = J[:, others]
    A = Jo.T @ Jo + prior**2 * np.eye(len(others))
    g = Jo.T @ f + prior**2 * (z[others] - z0[others])
    step = np.linalg.solve(A, -g)
    out = z.copy()
    out[others] = np.clip(z[others] + step, 0.0, 1.0)
    return out


def profiles(spec: Any, z: np.ndarray, J: np.ndarray, evaluate: Callable,
             z0: np.ndarray, prior: float, steps: int = 2,
             points_per_parameter: int = GRID) -> list[dict[str, Any]]:
    """Profile ranges of every parameter (see the module docstring)."""
    from .calibration import residuals

    n = len(z)
    grid = np.linspace(0.0, 1.0, points_per_parameter)
    npp = points_per_parameter
    starts = []
    for k in range(n):
        for g in grid:
            p = z.copy()
            p[k] = g
            starts.append((k, g, p))
    points = [p for _, _, p in starts]
    fs = [residuals(m, spec.targets) for m in evaluate(points)]
    for _ in range(steps):
        points = [_profile_points(p, J, f, z0, prior, k)
                  for (k, _, _), p, f in zip(starts, points, fs, strict=True)]
        fs = [residuals(m, spec.targets) for m in evaluate(points)]
    out = []
    chi_best = float(np.sum(residuals(evaluate([z])[0], spec.targets) ** 2))
    for k, p in enumerate(spec.parameters):
        chi = [float(np.sum(fs[k * npp + i] ** 2)) for i in range(npp)]
        lo, hi, open_lo, open_hi = profile_range(grid, chi, float(z[k]), chi_best)
        out.append({"parameter": p.name, "grid": [p.from_unit(g) for g in grid],
                    "chi2": chi, "range": [p.from_unit(lo), p.from_unit(hi)],
                    "open_low": open_lo, "open_high": open_hi})
    return out


def profile_range(grid: Sequence[float], chi: Sequence[float], z_best: float,
                  chi_best: float, delta: float = 1.0) -> tuple[float, float, bool, bool]:
    """Where a profile stays within ``delta`` of its minimum, around the optimum (unit space).

    The optimum joins the grid; the edges of the region are interpolated linearly in chi^2
    between neighbouring points. Returns ``(lo, hi, open_low, open_high)``, ``open_*`` when the
    region reaches a bound.
    """
    pts = sorted([*zip(grid, chi, strict=True), (z_best, chi_best)])
    zs, cs = [p[0] for p in pts], [p[1] for p in pts]
    limit = min(cs) + delta
    i0 = zs.index(z_best)
    lo = hi = z_best
    open_lo = open_hi = False
    j = i0
    while True:
        if j == 0:
            lo, open_lo = zs[0], True
            break
        if cs[j - 1] > limit:
            f = (limit - cs[j]) / (cs[j - 1] - cs[j]) if cs[j - 1] != cs[j] else 0.0
            lo = zs[j] + f * (zs[j - 1] - zs[j])
            break
        j -= 1
    j = i0
    while True:
        if j == len(zs) - 1:
            hi, open_hi = zs[-1], True
            break
        if cs[j + 1] > limit:
            f = (limit - cs[j]) / (cs[j + 1] - cs[j]) if cs[j + 1] != cs[j] else 0.0
            hi = zs[j] + f * (zs[j + 1] - zs[j])
            break
        j += 1
    return lo, hi, open_lo, open_hi


def analyse(spec: Any, z: np.ndarray, f0: np.ndarray, J: np.ndarray, evaluate: Callable,
            z0: np.ndarray, prior: float, profiles_on: bool = True,
            profile_points: int = GRID) -> dict[str, Any]:
    """The identifiability record of a fit (see the module docstring)."""
    params = spec.parameters
    ms = {m.name: m for m in metrics(measured())}
    sens = {}
    for i, t in enumerate(spec.targets):
        m = ms[t]
        scale = math.log10(m.band[1]) if m.band[0] == "factor" else m.band[1]
        row = {}
        for j, p in enumerate(params):
            per = (1.0 / math.log10(p.hi / p.lo)) if p.log else 1.0 / (p.hi - p.lo)
            row[p.name] = {"dr_dz": float(J[i, j]), "per_param": float(J[i, j] * scale * per)}
        sens[t] = row
    A = J.T @ J + prior**2 * np.eye(len(z))
    cov = np.linalg.inv(A)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    flags = {p.name: ("low" if z[j] < ON_BOUND else "high" if z[j] > 1 - ON_BOUND else "")
             for j, p in enumerate(params)}
    record = {"sensitivities": sens, "correlation": corr.tolist(),
              "sd_unit": sd.tolist(), "on_bound": flags,
              "residuals": dict(zip(spec.targets, f0.tolist(), strict=True))}
    if profiles_on:
        record["profiles"] = profiles(spec, z, J, evaluate, z0, prior,
                                      points_per_parameter=profile_points)
    return record


def _g(x: float) -> str:
    return f"{x:.3g}"


def markdown(result: dict[str, Any], spec: Any) -> str:
    """The identifiability table of a calibration as Markdown."""
    ident = result["identifiability"]
    params = spec.parameters
    names = [p.name for p in params]
    lines = ["# Calibration: what the data pin down", "",
             f"Targets: {', '.join(spec.targets)}; {result['simulations']} simulations; "
             f"{result['message']}", "",
             "| parameter | value | bounds | profile range (targets within their bands) | "
             "flag |", "|---|---|---|---|---|"]
    profs = {p["parameter"]: p for p in ident.get("profiles", [])}
    for p in params:
        v = result["parameters"][p.name]
        pr = profs.get(p.name)
        rng = "-"
        if pr:
            lo = "<= bound" if pr["open_low"] else _g(pr["range"][0])
            hi = ">= bound" if pr["open_high"] else _g(pr["range"][1])
            rng = f"{lo} .. {hi}"
            if pr["open_low"] and pr["open_high"]:
                rng += (" (not pinned by the targets: kept near its literature start "
                        f"{_g(p.start)} by the prior and its correlations)")
        flag = ident["on_bound"][p.name]
        lines.append(f"| {p.name} | {_g(v)} | {_g(p.lo)} .. {_g(p.hi)} | {rng} | "
                     f"{'**ON ' + flag.upper() + ' BOUND**' if flag else ''} |")
    lines += ["", "Sensitivities: change of each target's normalised residual over the whole "
              "range of each parameter (dr/dz; |r| = 1 is the edge of the band):", "",
              "| target | " + " | ".join(names) + " |",
              "|---|" + "---|" * len(names)]
    for t, row in ident["sensitivities"].items():
        lines.append(f"| {t} | " + " | ".join(_g(row[n]["dr_dz"]) for n in names) + " |")
    lines += ["", "Correlation matrix of the linearised posterior:", "",
              "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for i, n in enumerate(names):
        lines.append(f"| {n} | " + " | ".join(f"{c:+.2f}" for c in ident["correlation"][i])
                     + " |")
    return "\n".join(lines) + "\n"
