"""PNG plots a device physicist wants to see (matplotlib, Agg backend, no display needed)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .atomic import write_bytes


def _figure(nrows: int = 1, height: float = 4.0):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, 1, figsize=(7.0, height * nrows), squeeze=False,
                             sharex=True)
    return plt, fig, axes[:, 0]


def _save(plt, fig, path: str | Path) -> None:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=130)
    plt.close(fig)
    write_bytes(path, buf.getvalue())


def _layer_spans(ax, bd: Mapping[str, np.ndarray], names: Sequence[str]) -> None:
    for i, name in enumerate(names):
        sel = bd["layer"] == i
        if not np.any(sel):
            continue
        x0, x1 = bd["x_nm"][sel].min(), bd["x_nm"][sel].max()
        ax.axvspan(x0, x1, color=f"C{i % 10}", alpha=0.06, lw=0)
        ax.text(0.5 * (x0 + x1), 1.0, name, transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=8)


def zoom_window(bd: Mapping[str, np.ndarray], names: Sequence[str]) -> tuple | None:
    """An x-range (nm) around the thin layers when the stack mixes very different thicknesses."""
    spans = []
    for i in range(len(names)):
        x = bd["x_nm"][bd["layer"] == i]
        spans.append((x.min(), x.max()))
    widths = [b - a for a, b in spans]
    if max(widths) < 20 * min(widths):
        return None
    thin = [s for s, w in zip(spans, widths) if w < max(widths) / 20]
    lo, hi = min(s[0] for s in thin), max(s[1] for s in thin)
    pad = max(hi - lo, 10.0)
    return lo - pad, hi + pad


def band_diagram(path: str | Path, bd: Mapping[str, np.ndarray], names: Sequence[str],
                 title: str, xlim: tuple | None = None) -> None:
    """Band edges and quasi-Fermi levels (top) and carrier densities (bottom) against x."""
    plt, fig, (ax, ax2) = _figure(2, 3.4)
    if xlim is not None:
        keep = (bd["x_nm"] >= xlim[0]) & (bd["x_nm"] <= xlim[1])
        bd = {k: v[keep] for k, v in bd.items()}
    for i in range(len(names)):
        sel = bd["layer"] == i
        x = bd["x_nm"][sel]
        lab = i == 0
        ax.plot(x, bd["Ec_eV"][sel], "k-", lw=1.5, label="$E_c$" if lab else None)
        ax.plot(x, bd["Ev_eV"][sel], "k-", lw=1.5, alpha=0.6, label="$E_v$" if lab else None)
        ax.plot(x, bd["Efn_eV"][sel], "b--", lw=1, label="$E_{Fn}$" if lab else None)
        ax.plot(x, bd["Efp_eV"][sel], "r--", lw=1, label="$E_{Fp}$" if lab else None)
        ax2.semilogy(x, bd["n_cm3"][sel], "b-", label="n" if lab else None)
        ax2.semilogy(x, bd["p_cm3"][sel], "r-", label="p" if lab else None)
        if np.any(bd.get("c_ion_cm3", np.zeros(1))[sel] > 0):
            ax2.semilogy(x, bd["c_ion_cm3"][sel], "g-", label="ions" if i else "ions")
    _layer_spans(ax, bd, names)
    ax.set_ylabel("energy (eV)")
    ax.set_title(title, pad=14)
    ax.legend(loc="best", fontsize=8)
    ax2.set_ylabel("density (cm$^{-3}$)")
    ax2.set_xlabel("x (nm)")
    top = max(np.max(bd["n_cm3"]), np.max(bd["p_cm3"]), np.max(bd.get("c_ion_cm3", 0)))
    ax2.set_ylim(bottom=max(1e-5, top * 1e-30), top=top * 10)
    ax2.legend(loc="best", fontsize=8)
    _save(plt, fig, path)


def iv_curves(path: str | Path, curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
              title: str, knees: Mapping[str, float] | None = None) -> None:
    """log|J| against V (top) and linear J against V (bottom), one curve per label."""
    plt, fig, (ax, ax2) = _figure(2, 3.2)
    for k, (label, (V, J)) in enumerate(curves.items()):
        V, J = np.asarray(V), np.asarray(J)
        ax.semilogy(V, np.abs(J), "o-", ms=3, color=f"C{k}", label=label)
        ax2.plot(V, J, "o-", ms=3, color=f"C{k}", label=label)
        if knees and np.isfinite(knees.get(label, np.nan)):
            ax2.axvline(knees[label], color=f"C{k}", ls=":", lw=1)
    ax.set_ylabel("|J| (A cm$^{-2}$)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    ax2.set_ylabel("J (A cm$^{-2}$)")
    ax2.set_xlabel("applied bias V (V)")
    ax2.grid(True, alpha=0.3)
    _save(plt, fig, path)


def loglog(path: str | Path, series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
           xlabel: str, ylabel: str, title: str) -> None:
    """Log-log line plot (chronoamperometry); zero values are left out."""
    plt, fig, (ax,) = _figure(1, 4.0)
    for k, (label, (x, y)) in enumerate(series.items()):
        x, y = np.asarray(x, float), np.asarray(y, float)
        ok = (x > 0) & (y > 0)
        if np.any(ok):
            ax.loglog(x[ok], y[ok], "-", color=f"C{k}", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    _save(plt, fig, path)


def impedance(out: Path, spectra: Mapping[str, Mapping[str, Sequence[float]]],
              title: str) -> None:
    """Nyquist (impedance_nyquist.png) and Bode (impedance_bode.png) plots."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.5))
    for ax, zoom in zip(axes, (False, True)):
        for k, (label, s) in enumerate(spectra.items()):
            zr, mzi = np.asarray(s["Z_real_ohm_cm2"]), -np.asarray(s["Z_imag_ohm_cm2"])
            keep = np.ones(zr.shape, bool)
            if zoom:  # the bulk arc: up to 2x the real part where -Im Z is smallest
                keep = zr <= 2.0 * zr[np.argmin(mzi)]
            ax.plot(zr[keep], mzi[keep], "o-", ms=3, color=f"C{k}", label=label)
        ax.set_xlabel("Re Z ($\\Omega$ cm$^2$)")
        ax.set_ylabel("-Im Z ($\\Omega$ cm$^2$)")
        ax.set_title(f"{title}: Nyquist" + (" (bulk arc)" if zoom else ""), fontsize=10)
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    _save(plt, fig, Path(out) / "impedance_nyquist.png")
    plt, fig, (ax, ax2) = _figure(2, 3.2)
    for k, (label, s) in enumerate(spectra.items()):
        z = np.asarray(s["Z_real_ohm_cm2"]) + 1j * np.asarray(s["Z_imag_ohm_cm2"])
        ax.loglog(s["frequency_Hz"], np.abs(z), "o-", ms=3, color=f"C{k}", label=label)
        ax2.semilogx(s["frequency_Hz"], np.degrees(np.angle(z)), "o-", ms=3, color=f"C{k}")
    ax.set_ylabel("|Z| ($\\Omega$ cm$^2$)")
    ax.set_title(f"{title}: Bode")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax2.set_ylabel("phase (deg)")
    ax2.set_xlabel("frequency (Hz)")
    ax2.grid(True, which="both", alpha=0.3)
    _save(plt, fig, Path(out) / "impedance_bode.png")


def xy(path: str | Path, series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
       xlabel: str, ylabel: str, title: str, logy: bool = False, logx: bool = False) -> None:
    """A generic line plot (Arrhenius plots, sweeps, chronopotentiometry)."""
    plt, fig, (ax,) = _figure(1, 4.0)
    for k, (label, (x, y)) in enumerate(series.items()):
        (ax.semilogy if logy else ax.plot)(x, y, "o-", ms=3, color=f"C{k}", label=label)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=8)
    _save(plt, fig, path)
