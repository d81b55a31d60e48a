"""Compact diode fit: the model, parameter recovery from noisy synthetic data, the Richardson
analysis, the simulation comparison, the plot and the example data files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from solver.constants import k_B, q, thermal_voltage
from solver.errors import CaseError, InterphaseError
from solver.validation import (
    activation,
    compare,
    diode_current,
    fit_diode,
    format_summary,
    plot_fit,
    read_iv,
    validate_iv,
)

DATA = Path(__file__).resolve().parents[3] / "cases" / "data"
PHI_B, A_STAR = 0.80, 1.2e6  # eV, A m^-2 K^-2 (120 A cm^-2 K^-2)
N_OF_T = {250.0: 1.25, 300.0: 1.18, 350.0: 1.12}
RS, RSH = 2e-4, 1.0  # ohm m^2 (2 ohm cm2, 1e4 ohm cm2)


def j0_richardson(T: float) -> float:
    return A_STAR * T**2 * np.exp(-q * PHI_B / (k_B * T))


def noisy(V, T, J0, n, Rs, Rsh, noise, rng):
    return diode_current(V, T, J0, n, Rs, Rsh) * (1.0 + noise * rng.standard_normal(V.size))


@pytest.mark.parametrize("p", [(1e-3, 1.3, 1e-4, 10.0), (1e-9, 2.0, 1e-2, 1e3),
                               (1.0, 1.0, 1e-6, np.inf), (1e-3, 1.3, 0.0, 10.0),
                               (1e-20, 1.0, 1.0, 1e6)])
def test_model_solves_implicit_equation(p):
    V = np.linspace(-1.0, 3.0, 301)
    J = diode_current(V, 300.0, *p)
    Vd = V - J * p[2]
    rhs = p[0] * np.expm1(Vd / (p[1] * thermal_voltage(300.0))) + Vd / p[3]
    assert np.all(np.isfinite(J))
    np.testing.assert_allclose(J, rhs, rtol=1e-10, atol=1e-12 * (p[0] + 1.0 / p[3]))


def test_model_no_overflow_at_large_forward_bias():
    J = diode_current(np.array([50.0]), 300.0, 1e-3, 1.0, 1e-4, 10.0)
    assert J[0] == pytest.approx((50.0 - 0.67) / 1e-4, rel=0.01)  # V_diode = n V_T ln(J/J0)


def test_fit_recovers_parameters_single_temperature():
    rng = np.random.default_rng(7)
    V = np.round(np.arange(-1.0, 1.0001, 0.01), 6)
    true = {"J0": 1e-3, "n": 1.3, "Rs": 1e-4, "Rsh": 10.0}  # 1e-7 A/cm2, 1 and 1e5 ohm cm2
    f = fit_diode(V, noisy(V, 300.0, *true.values(), 0.02, rng), 300.0)
    assert f.n == pytest.approx(true["n"], rel=0.02)
    assert f.J0 == pytest.approx(true["J0"], rel=0.10)
    assert f.Rs == pytest.approx(true["Rs"], rel=0.10)
    assert f.Rsh == pytest.approx(true["Rsh"], rel=0.20)
    assert f.rms_log10 == pytest.approx(np.log10(1.02), rel=0.3)
    assert f.at_bound == () and all(0 < s < 0.1 for s in f.rel_stderr)


@pytest.mark.parametrize("factor", [1e-300, 1e-150, 1e150, 1e290])
def test_fit_of_currents_of_any_magnitude_is_the_scaled_fit(factor):
    rng = np.random.default_rng(7)
    V = np.round(np.arange(-1.0, 1.0001, 0.01), 6)
    J = noisy(V, 300.0, 1e-3, 1.3, 1e-4, 10.0, 0.02, rng)
    ref, f = fit_diode(V, J, 300.0), fit_diode(V, J * factor, 300.0)
    assert f.n == pytest.approx(ref.n, rel=1e-6)
    assert f.J0 == pytest.approx(ref.J0 * factor, rel=1e-5)
    assert f.Rs == pytest.approx(ref.Rs / factor, rel=1e-5)
    assert f.Rsh == pytest.approx(ref.Rsh / factor, rel=1e-5)


def _three_temperatures(noise=0.02, seed=11):
    rng = np.random.default_rng(seed)
    V = np.round(np.arange(-1.0, 1.0001, 0.01), 6)
    return V, {T: noisy(V, T, j0_richardson(T), n, RS, RSH, noise, rng)
               for T, n in N_OF_T.items()}


def test_fit_and_richardson_three_temperatures():
    V, curves = _three_temperatures()
    fits = [fit_diode(V, J, T) for T, J in curves.items()]
    for f in fits:
        assert f.n == pytest.approx(N_OF_T[f.T_K], rel=0.02)
        assert f.J0 == pytest.approx(j0_richardson(f.T_K), rel=0.10)
        assert f.Rs == pytest.approx(RS, rel=0.10)
        assert f.Rsh == pytest.approx(RSH, rel=0.20)
    act = activation(fits)
    assert act is not None
    assert act.phi_B_eV == pytest.approx(PHI_B, abs=0.02)
    assert 0 < act.phi_B_stderr_eV < 0.02
    assert act.A_star_A_per_m2K2 == pytest.approx(A_STAR, rel=0.6)
    # ln(J0/T^3) = ln A* - ln T - phi/kT: slope -(phi - k T) around the middle temperature
    assert act.Ea_eV == pytest.approx(PHI_B - k_B * 300.0 / q, abs=0.02)
    assert activation(fits[:1]) is None


def test_fit_without_reverse_branch_and_tiny_rs():
    V = np.linspace(0.0, 0.8, 41)
    J = noisy(V, 300.0, 1e-5, 1.0, 1e-10, 1e10, 0.01, np.random.default_rng(3))
    f = fit_diode(V, J, 300.0)
    assert f.n == pytest.approx(1.0, rel=0.02) and f.J0 == pytest.approx(1e-5, rel=0.1)


def test_fit_refuses_reversed_polarity():
    V = np.linspace(-1.0, 1.0, 41)
    J = -diode_current(-V, 300.0, 1e-3, 1.3, 1e-4, 10.0)
    with pytest.raises(InterphaseError, match="polarity"):
        fit_diode(V, J, 300.0)
    with pytest.raises(InterphaseError, match="fewer than 3 forward"):
        fit_diode(V[V <= 0.05], J[V <= 0.05], 300.0)


def test_compare():
    V = np.linspace(-1.0, 1.0, 41)
    J = diode_current(V, 300.0, 1e-3, 1.3, 1e-4, 10.0)
    same = compare(V, J, V, J)
    assert same["rms_log10_J"] == pytest.approx(0.0, abs=1e-12)
    assert same["n_points"] == 40 and same["sign_mismatches"] == 0  # V = 0 is skipped
    Vm = np.linspace(-2.0, 2.0, 81)  # only |V| <= 1 overlaps the simulation
    ten = compare(V, 10.0 * J, Vm, diode_current(Vm, 300.0, 1e-3, 1.3, 1e-4, 10.0))
    assert ten["rms_log10_J"] == pytest.approx(1.0, abs=0.02)
    assert ten["mean_log10_sim_over_meas"] == pytest.approx(1.0, abs=0.02)
    assert (ten["V_min_V"], ten["V_max_V"]) == pytest.approx((-1.0, 1.0))
    assert compare(V, J, V, -J)["sign_mismatches"] == 40
    with pytest.raises(InterphaseError, match="simulated voltage range"):
        compare(V, J, V + 5.0, J)


def test_plot_and_validate_write_files(tmp_path):
    V, curves = _three_temperatures(noise=0.01, seed=5)
    rows = [f"{v:.3f},{j:.8e},{T:g}" for T, J in curves.items() for v, j in zip(V, J)]
    p = tmp_path / "iv.csv"
    p.write_text("voltage_V,current_density_A_per_m2,temperature_K\n" + "\n".join(rows))
    data = read_iv(p)
    sim = {300.0: (V, 3.0 * curves[300.0])}
    summary = validate_iv(data, sim=sim, out_dir=tmp_path / "out")
    assert summary["comparison"]["300"]["rms_log10_J"] == pytest.approx(np.log10(3.0), abs=0.02)
    assert summary["activation"]["phi_B_eV"] == pytest.approx(PHI_B, abs=0.02)
    assert summary["rms_log10_J_fit"] < 0.01
    on_disk = json.loads((tmp_path / "out" / "validation.json").read_text())
    assert on_disk["temperatures_K"] == [250.0, 300.0, 350.0]
    assert (tmp_path / "out" / "diode_fit.csv").read_text().startswith("temperature_K,J0_A_")
    assert (tmp_path / "out" / "iv_fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = format_summary(summary)
    assert "phi_B = 0.7" in text or "phi_B = 0.8" in text
    assert "vs simulation at 300 K" in text
    fits = [fit_diode(c.V, c.J, c.T_K) for c in data.curves[:1]]
    plot_fit(tmp_path / "one.png", data, fits)  # one temperature: no Richardson panel
    assert (tmp_path / "one.png").stat().st_size > 1000
    with pytest.raises(InterphaseError, match="no simulated temperature"):
        validate_iv(data, sim={400.0: (V, curves[300.0])})


def test_validate_names_file_when_a_curve_cannot_be_fitted(tmp_path):
    p = tmp_path / "rev.csv"
    p.write_text("V (V),J (A/m2)\n" + "\n".join(f"{v:g},{-1e-3 * (2 - v):g}"
                                               for v in np.linspace(-1, 1, 21)))
    with pytest.raises(CaseError, match=r"rev\.csv: T = 300 K: \|J\| is larger"):
        validate_iv(read_iv(p))


def test_example_tio2_psi_file_fits_back():
    data = read_iv(DATA / "tio2_psi_diode_iv_T.csv")
    assert data.temperatures_K == (250.0, 300.0, 350.0)
    assert data.comments[0].startswith("SYNTHETIC")
    rng = np.random.default_rng(20240601)  # the recipe in the file's comment header
    V = np.round(np.linspace(-1.0, 1.0, 201), 6)
    fits = []
    for c in data.curves:
        J = noisy(V, c.T_K, j0_richardson(c.T_K), N_OF_T[c.T_K], RS, RSH, 0.010, rng)
        J[V == 0] = 0.0
        np.testing.assert_allclose(c.V, V)
        np.testing.assert_allclose(c.J, J, rtol=1e-6)
        fits.append(fit_diode(c.V, c.J, c.T_K))
        assert fits[-1].n == pytest.approx(N_OF_T[c.T_K], rel=0.02)
        assert fits[-1].J0 == pytest.approx(j0_richardson(c.T_K), rel=0.10)
        assert fits[-1].Rs == pytest.approx(RS, rel=0.10)
        assert fits[-1].Rsh == pytest.approx(RSH, rel=0.20)
    assert activation(fits).phi_B_eV == pytest.approx(PHI_B, abs=0.02)


def test_example_si_file_fits_back():
    data = read_iv(DATA / "si_pn_diode_300K.csv")  # mV, mA/cm2, degrees C
    (c,) = data.curves
    assert c.T_K == pytest.approx(300.0)
    V = np.arange(-1000, 801, 20) * 1e-3
    J = noisy(V, 300.0, 5e-6, 1.05, 1e-6, 1e3, 0.015, np.random.default_rng(20240602))
    J[np.abs(V) < 1e-12] = 0.0
    np.testing.assert_allclose(c.V, V, atol=1e-12)
    np.testing.assert_allclose(c.J, J, rtol=1e-6)
    f = fit_diode(c.V, c.J, c.T_K)
    assert f.n == pytest.approx(1.05, rel=0.02) and f.J0 == pytest.approx(5e-6, rel=0.10)
    assert f.Rs == pytest.approx(1e-6, rel=0.10) and f.Rsh == pytest.approx(1e3, rel=0.20)
