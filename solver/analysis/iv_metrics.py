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
  ``ln J = ln J0 + V/(n V_T)``, among the windows that are diode-like: fitted n at most
  :data:`MAX_IDEALITY` and the local ideality of consecutive points flat within the window
  (largest / smallest at most :data:`MAX_SPREAD`). When no window is diode-like (a curve limited
  by an electrolyte, a resistance or tunnelling) both are None, with the reason.
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


#: largest fitted ideality of a diode-like window
MAX_IDEALITY = 3.0
#: largest ratio of the local idealities of consecutive points within a diode-like window
MAX_SPREAD = 1.25


def ideality(V: Sequence[float], J: Sequence[float], T: float,
             window: int = 5) -> dict[str, float | str | None]:
    """Ideality factor and saturation current density from the most ideal forward window.

    Args:
        V: Biases (V).
        J: Current densities (forward positive).
        T: Temperature (K).
        window: Number of consecutive points fitted.

    Returns:
        ``{"ideality_factor", "saturation_current_density", "fit_from_V", "fit_to_V",
        "ideality_note"}`` (J0 in the unit of ``J``). Without a diode-like window the four
        numbers are None and ``ideality_note`` says why; otherwise the note is None.
    """
    V, J = np.asarray(V, float), np.asarray(J, float)
    VT = thermal_voltage(T)
    sel = (V > 8 * VT) & (J > 0)  # above 8 V_T the '-1' of the diode law bends ln J < 0.1 %
    v, lj = V[sel], np.log(np.where(J[sel] > 0, J[sel], 1e-300))

    def none(why: str) -> dict[str, float | str | None]:
        return {"ideality_factor": None, "saturation_current_density": None,
                "fit_from_V": None, "fit_to_V": None, "ideality_note": why}

    if len(v) < window:
        return none(f"fewer than {window} forward points above 8 kT/q = {8 * VT:.3f} V")
    best, closest = None, None
    for i in range(len(v) - window + 1):
        vv, ll = v[i:i + window], lj[i:i + window]
        slope, icpt = np.polyfit(vv, ll, 1)
        dl = np.diff(ll)
        if slope <= 0 or np.any(dl <= 0):
            continue
        n = 1.0 / (VT * slope)
        local = np.diff(vv) / (VT * dl)
        spread = float(local.max() / local.min())
        if closest is None or n < closest[0]:
            closest = (n, spread, vv[0], vv[-1])
        if n <= MAX_IDEALITY and spread <= MAX_SPREAD and (best is None or n < best[0]):
            best = (n, icpt, vv[0], vv[-1])
    if best is None:
        if closest is None:
            return none("the forward current does not rise with bias above 8 kT/q")
        n, spread, a, b = closest
        why = (f"local ideality {n:.3g} > {MAX_IDEALITY:g}" if n > MAX_IDEALITY else
               f"local ideality not flat (varies x{spread:.3g})")
        return none(f"no diode-like window of the forward curve: the most ideal, "
                    f"{a:.3g}-{b:.3g} V, has {why}")
    return {"ideality_factor": float(best[0]), "saturation_current_density": float(np.exp(best[1])),
            "fit_from_V": float(best[2]), "fit_to_V": float(best[3]), "ideality_note": None}
