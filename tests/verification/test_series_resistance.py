"""Series resistance solved with the device: exact self-consistency, Lambert W, knee, AC.

A silicon p-n diode with long lifetimes (diffusion current, ideality 1 below high injection) gets
an area-specific resistance on one contact. Verified:

- self-consistency: the state at terminal voltage V is the resistance-free device at
  ``V_d = V - J R_s`` (the same current, to 1e-6), and ``V_d + J R_s = V`` to 1e-9 V;
- the terminal equation inside Newton's system costs about nothing: the sweep through R_s
  takes at most 0.75 Newton iterations per point more than the resistance-free sweep (which
  solves at the device biases found, so its predictor is exact in the bias), and the
  secant of whole solves it falls back to reaches the same state;
- the closed form of an ideal diode with series resistance,
  ``J = (n V_T / R_s) W(J0 R_s / (n V_T) exp((V + J0 R_s) / (n V_T))) - J0`` (Lambert W), with n
  and J0 fitted on the resistance-free curve, within 0.5 %;
- the inflexion knee at ``J = n V_T / (2 R_s)``;
- the impedance gains exactly ``R_s`` at every frequency; a transient relaxes to the DC state.
"""

import math

import numpy as np
import pytest
from scipy.special import lambertw

from helpers import diode_toml
from solver.analysis import iv_metrics
from solver.case import load_case
from solver.constants import thermal_voltage
from solver.device.problem import DeviceProblem
from solver.results.progress import Progress
from solver.studies.bias import sweep
from solver.studies.equilibrium import run_equilibrium
from solver.studies.impedance import impedance_spectrum

R_CM2 = 10.0  # ohm cm^2
MATS = "[materials.Si]\ntau_n_s = 1e-3\ntau_p_s = 1e-3\n"


def diode_case(write_case, R=0.0, Ea=0.0):
    text = diode_toml(NA=1e17, ND=1e17, extra=MATS).replace(
        '[contacts.left]\nkind = "ohmic"\n',
        f'[contacts.left]\nkind = "ohmic"\nseries_resistance_ohm_cm2 = {R}\n'
        f"series_resistance_activation_eV = {Ea}\n")
    return load_case(write_case(text))


def iv(pb, volts):
    run_equilibrium(pb, 300.0)
    recs, problems = sweep(pb, "left", volts, Progress("t", len(volts), rank=1))
    assert not problems
    return recs


@pytest.fixture(scope="module")
def curves(tmp_path_factory):
    from mpi4py import MPI

    d = tmp_path_factory.mktemp(f"rs{MPI.COMM_WORLD.rank}")
    counter = iter(range(100))

    def write(text):
        p = d / f"c{next(counter)}.toml"
        p.write_text(text)
        return p

    volts = list(np.round(np.arange(0.0, 0.6001, 0.005), 4))
    with_r = DeviceProblem(diode_case(write, R_CM2), MPI.COMM_WORLD)
    rec_r = iv(with_r, volts)
    Vd = [r["device_voltage_V"] for r in rec_r if r["voltage_V"] > 0]
    bare = DeviceProblem(diode_case(write), MPI.COMM_WORLD)
    rec_0 = iv(bare, Vd)
    return rec_r, rec_0, with_r, write


def test_state_behind_the_resistor_is_the_bare_device_at_v_minus_jr(curves):
    rec_r, rec_0, _, _ = curves
    fwd = [r for r in rec_r if r["voltage_V"] > 0]
    bare = {round(r["voltage_V"], 12): r["current_density_A_per_cm2"] for r in rec_0}
    for r in fwd:
        J = r["current_density_A_per_cm2"]
        assert r["device_voltage_V"] + J * R_CM2 == pytest.approx(r["voltage_V"], abs=2e-9)
        assert J == pytest.approx(bare[round(r["device_voltage_V"], 12)], rel=1e-6)


def test_terminal_row_costs_the_iterations_of_the_bare_device(curves):
    rec_r, rec_0, _, _ = curves
    fwd = [r["newton_iterations"] for r in rec_r if r["voltage_V"] > 0]
    bare = [r["newton_iterations"] for r in rec_0]
    assert len(fwd) == len(bare) > 100
    assert np.mean(fwd) <= np.mean(bare) + 0.75, (np.mean(fwd), np.mean(bare))
    assert np.mean(fwd) <= 4.0


def test_secant_fallback_reaches_the_state_of_the_terminal_row(curves, monkeypatch):
    """Should the bordered solve fail, the outer secant of whole solves takes over."""
    import solver.device.border as border

    rec_r, _, with_r, _ = curves
    V, J_row = 0.45, next(r["current_density_A_per_cm2"] for r in rec_r
                          if abs(r["voltage_V"] - 0.45) < 1e-9)
    monkeypatch.setattr(border.TerminalBorder, "correct", lambda self, y: math.inf)
    with_r.set_bias("left", V)
    res = with_r.solve()
    assert res.converged and with_r.series.evaluations >= 2  # the secant's device solves
    J = with_r.terminal_current("left")["total"] * 1e-4
    assert J == pytest.approx(J_row, rel=1e-6)
    assert with_r.contacts["left"].bias + J * R_CM2 == pytest.approx(V, abs=2e-9)


def test_lambert_w_closed_form(curves):
    rec_r, rec_0, _, _ = curves
    V0 = np.array([r["voltage_V"] for r in rec_0])
    J0s = np.array([r["current_density_A_per_cm2"] for r in rec_0])
    win = (V0 > 0.2) & (V0 < 0.35)
    slope, icpt = np.polyfit(V0[win], np.log(J0s[win]), 1)
    VT = thermal_voltage(300.0)
    n, J0 = 1.0 / (slope * VT), math.exp(icpt)
    assert n == pytest.approx(1.0, abs=0.02)
    a = n * VT
    checked = 0
    for r in rec_r:
        V = r["voltage_V"]
        if V < 0.2:
            continue
        J = (a / R_CM2) * lambertw(J0 * R_CM2 / a * math.exp((V + J0 * R_CM2) / a)).real - J0
        assert r["current_density_A_per_cm2"] == pytest.approx(J, rel=5e-3), V
        checked += 1
    assert checked > 50
    # the resistor takes most of the bias at the top of the sweep: the test sees R_s
    top = rec_r[-1]
    assert top["voltage_V"] - top["device_voltage_V"] > 0.1


def test_inflexion_knee_at_n_vt_over_2rs(curves):
    rec_r, _, _, _ = curves
    V = np.array([r["voltage_V"] for r in rec_r])
    J = np.array([r["current_density_A_per_cm2"] for r in rec_r])
    knee = iv_metrics.knee_voltage(V, J, "inflexion")
    assert not knee["at_sweep_end"]
    J_knee = float(np.exp(np.interp(knee["knee_voltage_V"], V[V > 0], np.log(J[V > 0]))))
    expected = thermal_voltage(300.0) / (2 * R_CM2)  # n = 1
    assert J_knee == pytest.approx(expected, rel=0.1)


def test_impedance_adds_the_series_resistance(curves):
    from mpi4py import MPI

    _, _, _, write = curves
    freqs = [1e2, 1e5, 1e8]
    Z = {}
    for R in (0.0, R_CM2):
        pb = DeviceProblem(diode_case(write, R), MPI.COMM_WORLD)
        run_equilibrium(pb, 300.0)
        Z[R] = impedance_spectrum(pb, "left", freqs)
    for k in range(len(freqs)):
        assert Z[R_CM2]["Z_real_ohm_cm2"][k] - Z[0.0]["Z_real_ohm_cm2"][k] == pytest.approx(
            R_CM2, rel=1e-9)
        assert Z[R_CM2]["Z_imag_ohm_cm2"][k] == pytest.approx(Z[0.0]["Z_imag_ohm_cm2"][k],
                                                             rel=1e-9)


def test_arrhenius_series_resistance(write_case):
    c = diode_case(write_case, R_CM2, Ea=0.5).contacts["left"]
    assert c.series_resistance_at(300.0) == pytest.approx(R_CM2 * 1e-4)
    k = 8.617333262e-5
    assert c.series_resistance_at(350.0) == pytest.approx(
        R_CM2 * 1e-4 * math.exp(0.5 / k * (1 / 350 - 1 / 300)), rel=1e-9)


@pytest.mark.parametrize("control", ["voltage", "current"])
def test_transient_relaxes_to_the_dc_state_behind_the_resistor(curves, control):
    """A 0.4 V step (or the DC current at 0.4 V) through R_s ends at the DC point.

    With a voltage step the junction charges through R_s (RC ~ 1 us here): the current starts
    at V / R_s and relaxes; t_end is 1000 RC (~10 charging times under current control).
    """
    from mpi4py import MPI

    from solver.studies.transient import simulate

    rec_r, _, _, write = curves
    dc = next(r for r in rec_r if abs(r["voltage_V"] - 0.4) < 1e-9)
    drive = ("step_V = 0.4" if control == "voltage" else
             f"step_A_per_cm2 = {dc['current_density_A_per_cm2']}")
    case = diode_case(write, R_CM2)
    text = case.path and open(case.path).read().replace(
        'kind = "equilibrium"', f'kind = "transient"\ncontact = "left"\n{drive}\nt_end_s = 1e-3')
    case = load_case(write(text))
    pb = DeviceProblem(case, MPI.COMM_WORLD)
    run_equilibrium(pb, 300.0)
    rows = simulate(pb, case.study)
    end = rows[-1]
    assert end["current_density_A_per_cm2"] == pytest.approx(
        dc["current_density_A_per_cm2"], rel=2e-3)
    assert end["voltage_V"] == pytest.approx(0.4, abs=5e-4)
    assert end["device_voltage_V"] == pytest.approx(dc["device_voltage_V"], abs=5e-4)
