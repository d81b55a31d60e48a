"""Compact single-diode model fitted to measured I-V(T) curves, and comparison with simulations.

The model, per unit area (SI: J in A/m^2, R in ohm m^2), is implicit in J::

    J = J0 [exp((V - J Rs) / (n V_T)) - 1] + (V - J Rs) / Rsh

and is solved in closed form with the Lambert W function. ``fit_diode`` fits (J0, n, Rs, Rsh)
by least squares on log10|J| (both bias branches weighted equally, robust ``soft_l1`` loss),
from initial guesses a reader can redo by hand: Rsh from the reverse slope dJ/dV, n and J0 from
the steepest window of ln(J - V/Rsh) against V, Rs from dV/dJ - n V_T / J at the highest
forward points. ``activation`` turns J0(T) into a barrier height from the Richardson plot
ln(J0/T^2) = ln A* - q phi_B / (k_B T) and a diffusion-like activation energy from
ln(J0/T^3) = const - E_a / (k_B T).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy.optimize import least_squares
from scipy.special import lambertw

from ..constants import k_B, q, thermal_voltage
from ..errors import InterphaseError

_PARAMS = ("J0", "n", "Rs", "Rsh")
_LO = np.array([np.log(1e-40), 0.3, np.log(1e-14), np.log(1e-10)])
_HI = np.array([np.log(1e8), 30.0, np.log(1e6), np.log(1e14)])


def _w_exp(L: np.ndarray) -> np.ndarray:
    """Principal Lambert W of exp(L), without overflow for large L."""
    L = np.asarray(L, float)
    out = np.empty_like(L)
    small = L < 300.0
    out[small] = lambertw(np.exp(L[small])).real
    if np.any(~small):
        Lb = L[~small]
        w = Lb - np.log(Lb)
        for _ in range(6):  # Newton on w + ln w = L
            w = w - (w + np.log(w) - Lb) / (1.0 + 1.0 / w)
        out[~small] = w
    return out


def diode_current(V: np.ndarray, T_K: float, J0: float, n: float, Rs: float,
                  Rsh: float) -> np.ndarray:
    """Current density of the single-diode model with series and shunt resistance.

    Args:
        V: Applied voltage (V).
        T_K: Temperature (K).
        J0: Saturation current density (A/m^2).
        n: Ideality factor.
        Rs: Area-normalised series resistance (ohm m^2), >= 0.
        Rsh: Area-normalised shunt resistance (ohm m^2), > 0 (``inf`` for none).

    Returns:
        Current density J (A/m^2), forward positive.
    """
    V = np.asarray(V, float)
    a, G = n * thermal_voltage(T_K), 1.0 / Rsh
    if Rs <= 0.0:
        return J0 * np.expm1(V / a) + V * G
    beta = 1.0 + Rs * G
    c = (V * G - J0) / beta
    L = np.log(J0 * Rs / (a * beta)) + (V - c * Rs) / a
    return c + (a / Rs) * _w_exp(L)


@dataclass(frozen=True)
class DiodeFit:
    """Fitted single-diode parameters at one temperature (SI units).

    Attributes:
        T_K: Temperature (K).
        J0: Saturation current density (A/m^2).
        n: Ideality factor.
        Rs: Series resistance times area (ohm m^2).
        Rsh: Shunt resistance times area (ohm m^2).
        rms_log10: RMS of log10(J_fit / J_measured) over the fitted points (decades).
        n_points: Points used (J != 0, V != 0).
        rel_stderr: Relative standard errors of (J0, n, Rs, Rsh) from the Jacobian.
        at_bound: Names of parameters stuck at a bound (not determined by the data).
    """

    T_K: float
    J0: float
    n: float
    Rs: float
    Rsh: float
    rms_log10: float
    n_points: int
    rel_stderr: tuple[float, float, float, float]
    at_bound: tuple[str, ...] = ()

    def current(self, V: np.ndarray) -> np.ndarray:
        """Model current density (A/m^2) at voltages V (V)."""
        return diode_current(V, self.T_K, self.J0, self.n, self.Rs, self.Rsh)

    def as_dict(self) -> dict:
        """The fit in report units (A/cm2, ohm cm2), JSON-ready."""
        return {"temperature_K": self.T_K, "J0_A_per_cm2": self.J0 * 1e-4, "ideality_n": self.n,
                "Rs_ohm_cm2": self.Rs * 1e4, "Rsh_ohm_cm2": self.Rsh * 1e4,
                "rms_log10_J": self.rms_log10, "n_points": self.n_points,
                "rel_stderr": dict(zip(_PARAMS, self.rel_stderr)), "at_bound": list(self.at_bound)}


def _slope(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    m, b = np.polyfit(x, y, 1)
    return float(m), float(b)


def initial_guess(V: np.ndarray, J: np.ndarray, T_K: float) -> tuple[float, float, float, float]:
    """Hand-method estimates of (J0 [A/m^2], n, Rs [ohm m^2], Rsh [ohm m^2]).

    Args:
        V: Voltage (V), ascending.
        J: Current density (A/m^2).
        T_K: Temperature (K).

    Returns:
        ``(J0, n, Rs, Rsh)``.
    """
    Vt = thermal_voltage(T_K)
    scale = np.max(np.abs(J)) / max(np.max(np.abs(V)), 1e-3)
    rev = V < -2.0 * Vt
    G = _slope(V[rev], J[rev])[0] if np.count_nonzero(rev) >= 2 else 0.0
    G = G if G > 1e-12 * scale else 1e-9 * scale
    Jd = J - V * G
    fw = (V > 3.0 * Vt) & (Jd > 0.5 * J)
    if np.count_nonzero(fw) < 3:  # the shunt hides the diode: use J itself
        Jd, fw = J, (V > 3.0 * Vt) & (J > 0)
    Vf, lnJ = V[fw], np.log(Jd[fw])
    k = max(3, min(5, Vf.size // 4))
    windows = [_slope(Vf[i:i + k], lnJ[i:i + k]) for i in range(Vf.size - k + 1)]
    m, b = max(windows, key=lambda mb: mb[0])
    n0, J0 = float(np.clip(1.0 / (max(m, 1e-6) * Vt), 0.5, 20.0)), float(np.exp(b))
    Jt, Vtop = Jd[fw][-3:], Vf[-3:]
    dVdJ = _slope(Jt, Vtop)[0] if np.ptp(Jt) > 0 else 0.0
    Rs = max(dVdJ - n0 * Vt / Jt[-1], 1e-4 * Vtop[-1] / Jt[-1])
    return J0, n0, float(Rs), float(1.0 / G)


def _scale(J: np.ndarray) -> float:
    """A power of ten that brings max |J| into the fit's bounds (1 for ordinary data, A/m^2).

    The model is invariant under ``J -> J / s, J0 -> J0 / s, Rs -> Rs s, Rsh -> Rsh s``, so
    currents of any finite magnitude are fitted in scaled units and converted back.
    """
    top = float(np.max(np.abs(J))) if J.size else 0.0
    if top == 0.0 or 1e-12 <= top <= 1e8:
        return 1.0
    return 10.0 ** math.floor(math.log10(top))


def fit_diode(V: np.ndarray, J: np.ndarray, T_K: float) -> DiodeFit:
    """Fit the single-diode model to one I-V curve.

    Currents far outside 1e-12 .. 1e8 A/m^2 are scaled by a power of ten for the fit (see
    :func:`_scale`); numpy's floating-point warnings are silenced (the residuals handle
    overflow of the model).

    Args:
        V: Voltage (V).
        J: Current density (A/m^2), forward positive.
        T_K: Temperature (K).

    Returns:
        The fitted parameters with their residual and uncertainty.

    Raises:
        InterphaseError: |J| larger in reverse than in forward bias, fewer than 3 forward
            points (V > 3 V_T, J > 0) or fewer than 5 usable points.
    """
    o = np.argsort(V, kind="stable")
    V, J = np.asarray(V, float)[o], np.asarray(J, float)[o]
    s = _scale(J)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = _fit(V, J / s, T_K)
        except (np.linalg.LinAlgError, SystemError, ValueError) as exc:
            raise InterphaseError(f"T = {T_K:g} K: the diode fit failed "
                                  f"({type(exc).__name__}: {exc})") from None
    if s == 1.0:
        return fit
    return replace(fit, J0=fit.J0 * s, Rs=fit.Rs / s, Rsh=fit.Rsh / s)


def _fit(V: np.ndarray, J: np.ndarray, T_K: float) -> DiodeFit:
    """:func:`fit_diode` on sorted data in units where max |J| is ordinary."""
    Vt = thermal_voltage(T_K)
    vv = min(-V[0], V[-1])
    if vv > 0 and np.interp(-vv, V, np.abs(J)) > 2.0 * np.interp(vv, V, np.abs(J)):
        raise InterphaseError(f"T = {T_K:g} K: |J| is larger at -{vv:g} V than at +{vv:g} V; "
                              "is the polarity reversed? (forward = positive V and J)")
    if np.count_nonzero((V > 3 * Vt) & (J > 0)) < 3:
        raise InterphaseError(f"T = {T_K:g} K: fewer than 3 forward points (V > {3 * Vt:.3f} V "
                              "with J > 0); is the polarity reversed?")
    use = (J != 0) & (V != 0)
    if np.count_nonzero(use) < 5:
        raise InterphaseError(f"T = {T_K:g} K: fewer than 5 points with V != 0 and J != 0")
    Vu, target = V[use], np.log10(np.abs(J[use]))
    counts = {s: np.count_nonzero(np.sign(Vu) == s) for s in (-1.0, 1.0)}
    nb = sum(1 for c in counts.values() if c)
    w = np.sqrt(Vu.size / (nb * np.array([counts[s] for s in np.sign(Vu)])))

    def model(x: np.ndarray) -> np.ndarray:
        Jm = diode_current(Vu, T_K, np.exp(x[0]), x[1], np.exp(x[2]), np.exp(x[3]))
        return np.log10(np.maximum(np.abs(Jm), 1e-300)) - target

    J0, n0, Rs0, Rsh0 = initial_guess(V, J, T_K)
    runs = [least_squares(lambda x: w * model(x), np.clip(
        [np.log(J0), n0, np.log(Rs0 * f), np.log(Rsh0 / f)], _LO + 1e-3, _HI - 1e-3),
        bounds=(_LO, _HI), loss="soft_l1", f_scale=0.1, x_scale="jac", method="trf")
        for f in (1.0, 0.1)]  # the hand estimate, and one with less Rs and more Rsh
    best = min(runs, key=lambda r: r.cost)
    x, jac, raw, dof = best.x, best.jac, model(best.x), max(Vu.size - 4, 1)
    se = np.sqrt(np.abs(np.diag(np.linalg.pinv(jac.T @ jac) * np.sum((w * raw) ** 2) / dof)))
    rel = (float(se[0]), float(se[1] / x[1]), float(se[2]), float(se[3]))
    return DiodeFit(T_K=float(T_K), J0=float(np.exp(x[0])), n=float(x[1]), Rs=float(np.exp(x[2])),
                    Rsh=float(np.exp(x[3])), rms_log10=float(np.sqrt(np.mean(raw**2))),
                    n_points=int(Vu.size), rel_stderr=rel,
                    at_bound=tuple(p for p, a in zip(_PARAMS, best.active_mask) if a))


@dataclass(frozen=True)
class Activation:
    """Temperature dependence of J0 (needs at least 2 temperatures).

    Attributes:
        phi_B_eV: Barrier height from the Richardson plot ln(J0/T^2) vs 1/T (eV).
        phi_B_stderr_eV: Its standard error (eV; NaN with 2 temperatures).
        A_star_A_per_m2K2: Effective Richardson constant from the intercept (A m^-2 K^-2).
        Ea_eV: Activation energy from ln(J0/T^3) vs 1/T (eV; diffusion-like, ~ Eg).
        Ea_stderr_eV: Its standard error (eV; NaN with 2 temperatures).
        T_K: Temperatures used (K).
        J0: Saturation current densities used (A/m^2).
    """

    phi_B_eV: float
    phi_B_stderr_eV: float
    A_star_A_per_m2K2: float
    Ea_eV: float
    Ea_stderr_eV: float
    T_K: tuple[float, ...]
    J0: tuple[float, ...]

    def as_dict(self) -> dict:
        """JSON-ready dict (A* also in A cm^-2 K^-2)."""
        d = asdict(self)
        d["A_star_A_per_cm2K2"] = self.A_star_A_per_m2K2 * 1e-4
        d["J0_A_per_cm2"] = [j * 1e-4 for j in d.pop("J0")]
        return d


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    m, b = _slope(x, y)
    ssr = float(np.sum((y - (m * x + b)) ** 2))
    se = np.sqrt(ssr / (x.size - 2) / np.sum((x - x.mean()) ** 2)) if x.size > 2 else np.nan
    return m, b, float(se)


def activation(fits: list[DiodeFit] | tuple[DiodeFit, ...]) -> Activation | None:
    """Richardson (T^2) and diffusion (T^3) analyses of J0(T).

    Args:
        fits: Per-temperature fits.

    Returns:
        The barrier and activation energy, or None with fewer than 2 distinct temperatures.
    """
    T = np.array([f.T_K for f in fits], float)
    J0 = np.array([f.J0 for f in fits], float)
    if np.unique(np.round(T, 3)).size < 2:
        return None
    x, e = 1.0 / T, k_B / q
    m2, b2, s2 = _line_fit(x, np.log(J0 / T**2))
    m3, _, s3 = _line_fit(x, np.log(J0 / T**3))
    return Activation(phi_B_eV=-m2 * e, phi_B_stderr_eV=s2 * e,
                      A_star_A_per_m2K2=float(np.exp(b2)), Ea_eV=-m3 * e,
                      Ea_stderr_eV=s3 * e, T_K=tuple(T.tolist()), J0=tuple(J0.tolist()))


def compare(sim_V: np.ndarray, sim_J: np.ndarray, meas_V: np.ndarray,
            meas_J: np.ndarray) -> dict:
    """Agreement of a simulated I-V curve with measured points, in decades of |J|.

    The simulated log10|J| is interpolated linearly in V within each bias branch (V < 0 and
    V > 0 separately, never across V = 0) and evaluated at the measured points that lie in the
    simulated range of their branch; points with J = 0 are skipped.

    Args:
        sim_V: Simulated voltages (V).
        sim_J: Simulated current densities (same unit as ``meas_J``, e.g. A/m^2).
        meas_V: Measured voltages (V).
        meas_J: Measured current densities.

    Returns:
        ``rms_log10_J``, ``max_abs_log10_J``, ``mean_log10_sim_over_meas`` (decades),
        ``n_points``, ``V_min_V``, ``V_max_V`` (compared range), ``sign_mismatches``.

    Raises:
        InterphaseError: No measured point lies in the simulated voltage range.
    """
    sV, sJ = np.asarray(sim_V, float), np.asarray(sim_J, float)
    mV, mJ = np.asarray(meas_V, float), np.asarray(meas_J, float)
    diffs, volts, mism = [], [], 0
    for s in (-1.0, 1.0):
        ks = (np.sign(sV) == s) & (sJ != 0) & np.isfinite(sJ)
        if np.count_nonzero(ks) < 2:
            continue
        o = np.argsort(sV[ks])
        xv, yv, sg = sV[ks][o], np.log10(np.abs(sJ[ks][o])), np.sign(sJ[ks][o])
        km = (np.sign(mV) == s) & (mJ != 0) & (mV >= xv[0]) & (mV <= xv[-1])
        diffs.append(np.interp(mV[km], xv, yv) - np.log10(np.abs(mJ[km])))
        volts.append(mV[km])
        near = sg[np.clip(np.searchsorted(xv, mV[km]), 0, xv.size - 1)]
        mism += int(np.count_nonzero(near != np.sign(mJ[km])))
    d = np.concatenate(diffs) if diffs else np.empty(0)
    if d.size == 0:
        raise InterphaseError("no measured point lies in the simulated voltage range "
                              f"[{sV.min():g}, {sV.max():g}] V")
    v = np.concatenate(volts)
    return {"rms_log10_J": float(np.sqrt(np.mean(d**2))), "max_abs_log10_J": float(np.max(
        np.abs(d))), "mean_log10_sim_over_meas": float(np.mean(d)), "n_points": int(d.size),
        "V_min_V": float(v.min()), "V_max_V": float(v.max()), "sign_mismatches": mism}
