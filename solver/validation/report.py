"""I-V validation report: compact-model fits, comparison with a simulation, plots, JSON."""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..constants import k_B, q
from ..errors import CaseError, InterphaseError
from ..results.atomic import write_bytes, write_csv, write_json
from .diode_fit import DiodeFit, activation, compare, fit_diode
from .ivdata import IVData

SimCurves = Mapping[float, tuple[np.ndarray, np.ndarray]]
_T_MATCH_K = 0.5  # a simulated and a measured curve belong together within this (K)


def _absj(J: np.ndarray) -> np.ndarray:
    """|J| in A/cm^2 with J = 0 as NaN (a gap on a log axis)."""
    J = np.abs(np.asarray(J, float)) * 1e-4
    return np.where(J > 0, J, np.nan)


def _match(sim: SimCurves | None, T_K: float) -> tuple[np.ndarray, np.ndarray] | None:
    for T, curve in (sim or {}).items():
        if abs(float(T) - T_K) <= _T_MATCH_K:
            return curve
    return None


def plot_fit(path: str | Path, data: IVData, fits: Sequence[DiodeFit],
             sim: SimCurves | None = None) -> None:
    """PNG of log|J| against V (measured points, fitted curves, optional simulated curves).

    With fits at several temperatures a second panel shows the Richardson plot
    ln(J0/T^2) against 1000/T with its line and the barrier height.

    Args:
        path: PNG file to write (atomically).
        data: The measured curves.
        fits: One fit per curve of ``data`` (matched by temperature).
        sim: Optional simulated curves ``{T_K: (V [V], J [A/m^2])}``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    act = activation(fits)
    rows = 2 if act is not None else 1
    fig, axes = plt.subplots(rows, 1, figsize=(7.0, 3.8 * rows), squeeze=False)
    ax = axes[0, 0]
    for k, fit in enumerate(fits):
        curve = min(data.curves, key=lambda c, f=fit: abs(c.T_K - f.T_K))
        col, lab = f"C{k % 10}", f"{fit.T_K:g} K"
        ax.semilogy(curve.V, _absj(curve.J), "o", ms=3, mfc="none", color=col,
                    label=f"{lab} measured")
        Vg = np.linspace(curve.V.min(), curve.V.max(), 400)
        ax.semilogy(Vg, _absj(fit.current(Vg)), "-", lw=1.2, color=col,
                    label=f"{lab} fit, n = {fit.n:.3g}")
        s = _match(sim, fit.T_K)
        if s is not None:
            ax.semilogy(s[0], _absj(s[1]), "--", lw=1.2, color=col,
                        label=f"{lab} simulated")
    ax.set_xlabel("applied bias V (V)")
    ax.set_ylabel("|J| (A cm$^{-2}$)")
    ax.set_title(f"{Path(data.path).name}: single-diode fit")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2 if len(fits) > 2 else 1)
    if act is not None:
        ax2 = axes[1, 0]
        T = np.asarray(act.T_K)
        y = np.log(np.asarray(act.J0) * 1e-4 / T**2)
        Tg = np.linspace(T.min(), T.max(), 50)
        line = np.log(act.A_star_A_per_m2K2 * 1e-4) - act.phi_B_eV * q / (k_B * Tg)
        ax2.plot(1e3 / T, y, "ko", ms=5, label="fitted $J_0$")
        ax2.plot(1e3 / Tg, line, "r-", label=(
            f"$\\phi_B$ = {act.phi_B_eV:.3f} eV, A* = {act.A_star_A_per_m2K2 * 1e-4:.3g} "
            f"A cm$^{{-2}}$ K$^{{-2}}$ ($E_a$ from $T^3$: {act.Ea_eV:.3f} eV)"))
        ax2.set_xlabel("1000 / T (1/K)")
        ax2.set_ylabel("ln($J_0$ / $T^2$)  ($J_0$ in A cm$^{-2}$)")
        ax2.set_title("Richardson plot")
        ax2.grid(True, alpha=0.3)
        ax2.legend(fontsize=8)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=130)
    plt.close(fig)
    write_bytes(path, buf.getvalue())


def validate_iv(data: IVData, *, sim: SimCurves | None = None,
                out_dir: str | Path | None = None) -> dict:
    """Fit every measured curve, analyse J0(T), compare with simulations, write the results.

    Args:
        data: Measured curves from ``read_iv``.
        sim: Optional simulated curves ``{T_K: (V [V], J [A/m^2])}``; each is compared with the
            measured curve within 0.5 K of its temperature.
        out_dir: If given, write ``validation.json``, ``diode_fit.csv`` and ``iv_fit.png`` there
            (call on one MPI rank only).

    Returns:
        JSON-ready summary: ``file``, ``temperatures_K``, ``fits`` (per temperature, A/cm2 and
        ohm cm2), ``rms_log10_J_fit`` (all points, decades), ``activation`` (None with one
        temperature), ``comparison`` (per temperature, see ``compare``) and
        ``rms_log10_J_sim`` (all compared points; None without ``sim``).

    Raises:
        CaseError: A curve cannot be fitted (names the file and temperature).
        InterphaseError: ``sim`` is given but no simulated temperature matches a measured one.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy / matplotlib warnings never reach the terminal
        return _validate(data, sim, out_dir)


def _validate(data: IVData, sim: SimCurves | None, out_dir: str | Path | None) -> dict:
    fits = []
    for c in data.curves:
        try:
            fits.append(fit_diode(c.V, c.J, c.T_K))
        except InterphaseError as exc:
            raise CaseError(str(exc), file=data.path) from None
    act = activation(fits)
    comparison: dict[str, dict] = {}
    for c in data.curves:
        s = _match(sim, c.T_K)
        if s is not None:
            comparison[f"{c.T_K:g}"] = compare(s[0], s[1], c.V, c.J)
    if sim and not comparison:
        raise InterphaseError(
            f"no simulated temperature ({', '.join(f'{float(t):g}' for t in sim)} K) matches a "
            f"measured one ({', '.join(f'{t:g}' for t in data.temperatures_K)} K)")

    def pooled(items: list[tuple[float, int]]) -> float | None:
        n = sum(k for _, k in items)
        return math.sqrt(sum(r * r * k for r, k in items) / n) if n else None

    summary = {
        "file": data.path, "columns": dict(data.columns), "area_cm2": data.area_cm2,
        "temperatures_K": list(data.temperatures_K), "fits": [f.as_dict() for f in fits],
        "rms_log10_J_fit": pooled([(f.rms_log10, f.n_points) for f in fits]),
        "activation": act.as_dict() if act is not None else None, "comparison": comparison,
        "rms_log10_J_sim": pooled([(d["rms_log10_J"], d["n_points"])
                                   for d in comparison.values()]),
    }
    if out_dir is not None:
        out = Path(out_dir)
        write_json(out / "validation.json", summary)
        rows = [f.as_dict() for f in fits]
        write_csv(out / "diode_fit.csv", {k: [r[k] for r in rows] for k in (
            "temperature_K", "J0_A_per_cm2", "ideality_n", "Rs_ohm_cm2", "Rsh_ohm_cm2",
            "rms_log10_J")})
        plot_fit(out / "iv_fit.png", data, fits, sim)
    return summary


def format_summary(summary: dict) -> str:
    """A few lines for the terminal from a ``validate_iv`` summary."""
    fits, act = summary["fits"], summary["activation"]
    lines = [f"{summary['file']}: {len(fits)} curve(s); fit RMS log10|J| = "
             f"{summary['rms_log10_J_fit']:.3f} decades"]
    lines += [f"  T = {f['temperature_K']:g} K: J0 = {f['J0_A_per_cm2']:.3e} A/cm2, "
              f"n = {f['ideality_n']:.3f}, Rs = {f['Rs_ohm_cm2']:.3g} ohm cm2, "
              f"Rsh = {f['Rsh_ohm_cm2']:.3g} ohm cm2, RMS = {f['rms_log10_J']:.3f}"
              + (f" (at bound: {', '.join(f['at_bound'])})" if f["at_bound"] else "")
              for f in fits]
    if act is not None:
        lines.append(f"  Richardson ln(J0/T^2): phi_B = {act['phi_B_eV']:.3f} eV, "
                     f"A* = {act['A_star_A_per_cm2K2']:.3g} A/cm2/K2; ln(J0/T^3): "
                     f"Ea = {act['Ea_eV']:.3f} eV")
    lines += [f"  vs simulation at {T} K: RMS log10|J| = {c['rms_log10_J']:.3f} decades over "
              f"{c['n_points']} points, {c['V_min_V']:g} to {c['V_max_V']:g} V"
              for T, c in summary["comparison"].items()]
    return "\n".join(lines)
