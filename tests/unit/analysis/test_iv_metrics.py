import numpy as np
import pytest

from solver.analysis.iv_metrics import ideality, knee_voltage, rectification_ratios
from solver.constants import thermal_voltage


def diode(V, J0=1e-12, n=1.3, Rs=0.0, T=300.0):
    """Implicit diode with series resistance, solved by bisection in log space."""
    VT = thermal_voltage(T)
    out = []
    for v in V:
        if Rs == 0 or v <= 0:
            out.append(J0 * np.expm1(v / (n * VT)))
            continue
        lo, hi = 0.0, v / Rs
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if n * VT * np.log1p(mid / J0) + mid * Rs > v:
                hi = mid
            else:
                lo = mid
        out.append(lo)
    return np.array(out)


def test_ideality_and_saturation_current_recovered():
    V = np.arange(-0.5, 0.61, 0.02)
    J = diode(V, J0=1e-12, n=1.3)
    fit = ideality(V, J, 300.0)
    assert fit["ideality_factor"] == pytest.approx(1.3, rel=1e-3)
    assert fit["saturation_current_density"] == pytest.approx(1e-12, rel=0.02)


def test_knee_at_inflexion_of_slope_matches_closed_form():
    n, Rs, T = 1.5, 10.0, 300.0
    V = np.arange(0.0, 1.2, 0.002)
    J = diode(V, J0=1e-10, n=n, Rs=Rs, T=T)
    knee = knee_voltage(V, J)
    Jstar = n * thermal_voltage(T) / (2 * Rs)
    expected = n * thermal_voltage(T) * np.log1p(Jstar / 1e-10) + Jstar * Rs
    assert knee["knee_voltage_V"] == pytest.approx(expected, abs=0.004)
    assert not knee["at_sweep_end"]


def test_knee_flags_sweep_end_without_series_resistance():
    V = np.linspace(0, 0.6, 31)
    assert knee_voltage(V, diode(V))["at_sweep_end"]


def test_threshold_and_tangent_methods():
    V = np.linspace(0, 1.0, 101)
    J = diode(V, J0=1e-10, n=1.5, Rs=10.0)
    thr = knee_voltage(V, J, "threshold", threshold=1e-3)["knee_voltage_V"]
    assert thr == pytest.approx(1.5 * thermal_voltage(300) * np.log(1e-3 / 1e-10 + 1) + 1e-3 * 10.0,
                               abs=2e-3)
    tan = knee_voltage(V, J, "tangent")["knee_voltage_V"]
    assert 0.0 < tan < 1.0


def test_rectification_ratio():
    V = np.linspace(-1, 1, 41)
    J = np.where(V > 0, 1e-3 * V, 1e-6 * V)
    rr = rectification_ratios(V, J, [0.5, 1.0, 2.0])
    assert rr["0.5"] == pytest.approx(1000.0)
    assert rr["1"] == pytest.approx(1000.0)
    assert np.isnan(rr["2"])


def test_no_ideality_without_a_diode_like_window():
    from solver.analysis.iv_metrics import MAX_IDEALITY

    T = 300.0
    V = np.arange(0.0, 1.01, 0.05)
    ohmic = 1e-3 * V  # a resistor: local ideality V / V_T, far above 3
    fit = ideality(V, ohmic, T)
    assert fit["ideality_factor"] is None and fit["saturation_current_density"] is None
    assert "no diode-like window" in fit["ideality_note"] and f"> {MAX_IDEALITY:g}" in fit[
        "ideality_note"]
    # ln J ~ V^3: the local ideality falls as 1 / V^2, flat nowhere (tunnelling-like)
    fit = ideality(V, 1e-9 * np.exp((V / 0.3) ** 3), T)
    assert fit["ideality_factor"] is None, fit
    assert "not flat" in fit["ideality_note"]
    # a clean diode keeps its number and no note
    clean = ideality(V, diode(V, J0=1e-12, n=1.1, T=T), T)
    assert clean["ideality_factor"] == pytest.approx(1.1, rel=1e-3)
    assert clean["ideality_note"] is None
    short = ideality(V[:4], ohmic[:4], T)
    assert short["ideality_factor"] is None and "fewer than 5" in short["ideality_note"]
