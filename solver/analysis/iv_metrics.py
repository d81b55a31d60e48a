"""Figures of merit of an I-V curve, each by a method a reader can redo by hand.

- Rectification ratio ``RR(V) = |J(+V)| / |J(-V)|`` (log-linear interpolation between points).
- Knee voltage, ``inflexion`` method (default): the forward bias where ``d^2 J / dV^2`` of the
  linear J-V curve is largest, i.e. the inflexion point of the slope dJ/dV, where the curve turns
  from exponential to resistance-limited. For ``V = n V_T ln(J/J0) + J R_s`` this is where
  ``J = n V_T / (2 R_s)``. If the maximum sits at the last point (no resistive limit reached in
  the sweep) the result is flagged ``at_sweep_end``. ``tangent``: the bias where the tangent at
  the steepest forward point crosses J = 0. ``threshold``: the first bias where J reaches a
  given current density.
- Ideality factor and saturation current: from the forward window of 5 consecutive points with
  the smallest local ideality ``n = (1 / V_T) dV / d ln J`` (biases above 8 V_T), fitted as
  ``ln J = ln J0 + V/(n V_T)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..constants import thermal_voltage


def _interp_log(V: np.ndarray, J: np.ndarray, v: float) -> float:
    if v < V.min() - 1e-12 or v > V.max() + 1e-12:
        return float("nan")
    a = np.abs(J)
    if np.all(a > 0):
        return float(np.exp(np.interp(v, V, np.log(a))))
    return float(np.interp(v, V, a))


def rectification_ratios(V: Sequence[float], J: Sequence[float],
                         biases: Sequence[float]) -> dict[str, float]:
    """``{f"{b:g}": |J(+b)| / |J(-b)|}`` for each bias ``b`` (NaN outside the sweep)."""
    V, J = np.asarray(V, float), np.asarray(J, float)
    out = {}
    for b in biases:
        jp, jm = _interp_log(V, J, abs(b)), _interp_log(V, J, -abs(b))
        out[f"{abs(b):g}"] = jp / jm if jm and np.isfinite(jm) else float("nan")
    return out


def knee_voltage(V: Sequence[float], J: Sequence[float], method: str = "inflexion",
                 threshold: float = 1.0) -> dict[str, float | str | bool]:
    """Knee (turn-on) voltage of the forward branch.

    Args:
        V: Biases (V), ascending.
        J: Current densities (any unit; forward = positive).
        method: 'inflexion', 'tangent' or 'threshold'.
        threshold: Current density of the 'threshold' method (same unit as J).

    Returns:
        ``{"knee_voltage_V", "method", "at_sweep_end"}``.
    """
    V, J = np.asarray(V, float), np.asarray(J, float)
    fwd = V >= 0
    v, j = V[fwd], J[fwd]
    result: dict[str, float | str | bool] = {"method": method, "at_sweep_end": False}
    if len(v) < 4:
        result["knee_voltage_V"] = float("nan")
        return result
    if method == "threshold":
        above = np.nonzero(j >= threshold)[0]
        if len(above) == 0 or above[0] == 0:
            result["knee_voltage_V"] = float("nan")
            return result
        k = above[0]
        lj = np.log(np.maximum(j[k - 1:k + 1], 1e-300))
        result["knee_voltage_V"] = float(np.interp(np.log(threshold), lj, v[k - 1:k + 1]))
        return result
    d1 = np.gradient(j, v)
    if method == "tangent":
        k = int(np.argmax(d1))
        result["knee_voltage_V"] = float(v[k] - j[k] / d1[k]) if d1[k] > 0 else float("nan")
        result["at_sweep_end"] = bool(k == len(v) - 1)
        return result
    d2 = np.gradient(d1, v)
    k = int(np.argmax(d2[1:-1])) + 1
    if k < len(v) - 2 and d2[k - 1] < d2[k] > d2[k + 1]:
        # parabola through the peak refines it between grid points
        a, b = d2[k - 1] - 2 * d2[k] + d2[k + 1], d2[k + 1] - d2[k - 1]
        shift = -0.5 * b / a if a != 0 else 0.0
        result["knee_voltage_V"] = float(v[k] + shift * (v[k + 1] - v[k]))
    else:
        result["knee_voltage_V"] = float(v[k])
    result["at_sweep_end"] = bool(k >= len(v) - 2)
    return result


def ideality(V: Sequence[float], J: Sequence[float], T: float,
             window: int = 5) -> dict[str, float]:
    """Ideality factor and saturation current density from the most ideal forward window.

    Args:
        V: Biases (V).
        J: Current densities (forward positive).
        T: Temperature (K).
        window: Number of consecutive points fitted.

    Returns:
        ``{"ideality_factor", "saturation_current_density", "fit_from_V", "fit_to_V"}`` (J0 in
        the unit of ``J``).
    """
    V, J = np.asarray(V, float), np.asarray(J, float)
    VT = thermal_voltage(T)
    sel = (V > 8 * VT) & (J > 0)  # above 8 V_T the '-1' of the diode law bends ln J < 0.1 %
    v, lj = V[sel], np.log(np.where(J[sel] > 0, J[sel], 1e-300))
    nan = {"ideality_factor": float("nan"), "saturation_current_density": float("nan"),
           "fit_from_V": float("nan"), "fit_to_V": float("nan")}
    if len(v) < window:
        return nan
    best = None
    for i in range(len(v) - window + 1):
        slope, icpt = np.polyfit(v[i:i + window], lj[i:i + window], 1)
        if slope <= 0:
            continue
        n = 1.0 / (VT * slope)
        if best is None or n < best[0]:
            best = (n, icpt, v[i], v[i + window - 1])
    if best is None:
        return nan
    return {"ideality_factor": float(best[0]), "saturation_current_density": float(np.exp(best[1])),
            "fit_from_V": float(best[2]), "fit_to_V": float(best[3])}
