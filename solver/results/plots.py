"""PNG plots a device physicist wants to see (matplotlib's Agg canvas, no display needed).

matplotlib is imported when the first picture is drawn, never at start-up. Figures are plain
:class:`matplotlib.figure.Figure` objects on an Agg canvas (no pyplot state, nothing to close)
with margins fixed in inches (no tight_layout: it draws every figure twice to measure it).
Labels are plain text with Unicode super- and subscripts (``10⁻⁵``, ``cm⁻³``) instead of
mathtext, which every figure's renderer parses anew, and titles sit at a fixed height (their
automatic placement measures every tick label once more). A picture identical to one already
drawn in this process (same data, labels and title: the band diagram of a temperature that
several studies of one case share) is written from the bytes of the first, and band diagrams
of one layout share one figure whose curves get the new data.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import write_bytes

DPI = 130
WIDTH_IN = 7.0
#: margins (inches) around the axes: room for tick labels, axis labels and the title
LEFT_IN, RIGHT_IN, BOTTOM_IN, TOP_IN, GAP_IN = 0.85, 0.2, 0.5, 0.45, 0.3
PNG_OPTIONS = {"compress_level": 1}  # zlib level: 6 (the default) is ~3x slower, 25 % smaller

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_drawn: OrderedDict[str, bytes] = OrderedDict()  # PNG bytes by picture digest (a few recent)
_KEEP = 16


def forget() -> None:
    """Drop the figures and pictures kept for reuse (they hold only artists and PNG bytes)."""
    _drawn.clear()
    _band_figures.clear()


def power_of_ten(value: float, _pos: Any = None) -> str:
    """Tick label of a log axis: ``10⁵``, ``2×10⁻³`` (plain text, no mathtext)."""
    if not np.isfinite(value) or value <= 0:
        return ""
    exponent = int(np.floor(np.log10(value) + 1e-9))
    mantissa = value / 10.0**exponent
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    if abs(mantissa - 1.0) < 1e-6:
        return power
    return f"{mantissa:.3g}×{power}"


def new_figure(nrows: int = 1, height: float = 4.0, *, sharex: bool = True,
               top_in: float = TOP_IN, ncols: int = 1, width: float = WIDTH_IN):
    """A figure with ``nrows`` x ``ncols`` axes and fixed margins (height per row, inches)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height * nrows), dpi=DPI)
    FigureCanvasAgg(fig)
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=LEFT_IN / w, right=1.0 - RIGHT_IN / w, bottom=BOTTOM_IN / h,
                        top=1.0 - top_in / h, hspace=GAP_IN * nrows / (h - BOTTOM_IN - top_in),
                        wspace=0.3)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=sharex)
    return fig, axes


def log_axis(ax: Any, axis: str = "y") -> None:
    """Put plain-text labels on a log axis (see :func:`power_of_ten`).

    matplotlib's own choice of which ticks to label stays (decades; minor ticks too on an axis
    spanning about a decade or less); only the text is plain.
    """
    from matplotlib.ticker import LogFormatter

    class PlainLog(LogFormatter):
        def __call__(self, x: float, pos: Any = None) -> str:
            return power_of_ten(x) if super().__call__(x, pos) else ""

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PlainLog())
    target.set_minor_formatter(PlainLog(labelOnlyBase=False))


def save(fig: Any, path: str | Path) -> bytes:
    """Render ``fig`` to PNG and write it atomically to ``path``; returns the PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs=PNG_OPTIONS)
    data = buf.getvalue()
    write_bytes(path, data)
    return data


def _save(plt: Any, fig: Any, path: str | Path) -> None:
    """Save a pyplot figure with tight_layout and close it (for callers that use pyplot)."""
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs=PNG_OPTIONS)
    plt.close(fig)
    write_bytes(path, buf.getvalue())


def _digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, Mapping):
            for k in sorted(p):
                h.update(str(k).encode())
                h.update(np.ascontiguousarray(np.asarray(p[k])).tobytes())
        else:
            h.update(repr(p).encode())
    return h.hexdigest()


def _reuse(path: str | Path, key: str) -> bool:
    """Write the picture drawn earlier under ``key``, if any."""
    if key not in _drawn:
        return False
    _drawn.move_to_end(key)
    write_bytes(path, _drawn[key])
    return True


def _keep(key: str, png: bytes) -> None:
    _drawn[key] = png
    while len(_drawn) > _KEEP:
        _drawn.popitem(last=False)


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


class _BandFigure:
    """A band-diagram figure kept for redrawing: later diagrams give its artists new data.

    Creating axes, ticks and legends is about half the cost of a figure; the diagrams of a
    run (every temperature, and each one's zoom) share one layout, so they share one figure.

    Args:
        names: Layer names.
        ions: Per layer, whether it holds mobile ions (a density curve of its own).
    """

    def __init__(self, names: Sequence[str], ions: tuple[bool, ...]) -> None:
        from matplotlib.patches import Rectangle

        fig, axes = new_figure(2, 3.4, top_in=0.6)
        ax, ax2 = axes[:, 0]
        self.fig, self.ax, self.ax2 = fig, ax, ax2
        first_ion = ions.index(True) if any(ions) else -1
        self.lines: list[dict[str, Any]] = []
        for i in range(len(names)):
            lab = i == 0
            curves = {
                "Ec_eV": ax.plot([], [], "k-", lw=1.5, label="Ec" if lab else None)[0],
                "Ev_eV": ax.plot([], [], "k-", lw=1.5, alpha=0.6, label="Ev" if lab else None)[0],
                "Efn_eV": ax.plot([], [], "b--", lw=1, label="EFn" if lab else None)[0],
                "Efp_eV": ax.plot([], [], "r--", lw=1, label="EFp" if lab else None)[0],
                "n_cm3": ax2.semilogy([], [], "b-", label="n" if lab else None)[0],
                "p_cm3": ax2.semilogy([], [], "r-", label="p" if lab else None)[0]}
            if ions[i]:
                curves["c_ion_cm3"] = ax2.semilogy([], [], "g-",
                                                   label="ions" if i == first_ion else None)[0]
            self.lines.append(curves)
        # layer shading: a rectangle spanning the axes' height (x in data, y in axes units);
        # made directly because axvspan returns a Polygon before matplotlib 3.9, a Rectangle after
        self.spans = [ax.add_patch(Rectangle((0.0, 0.0), 1.0, 1.0, color=f"C{i % 10}",
                                             alpha=0.06, lw=0,
                                             transform=ax.get_xaxis_transform()))
                      for i in range(len(names))]
        self.labels = [ax.text(0.5, 1.0, name, transform=ax.get_xaxis_transform(),
                               ha="center", va="bottom", fontsize=8) for name in names]
        ax.set_ylabel("energy (eV)")
        self.title = ax.set_title("", pad=14, y=1.0)
        ax.legend(loc="best", fontsize=8)
        ax2.set_ylabel("density (cm⁻³)")
        ax2.set_xlabel("x (nm)")
        log_axis(ax2)
        ax2.legend(loc="best", fontsize=8)

    def draw(self, bd: Mapping[str, np.ndarray], title: str) -> None:
        """Put the diagram ``bd`` (already cut to the window) and ``title`` on the figure."""
        for i, curves in enumerate(self.lines):
            sel = bd["layer"] == i
            x = bd["x_nm"][sel]
            for key, line in curves.items():
                line.set_data(x, bd[key][sel])
            shown = bool(np.any(sel))
            self.spans[i].set_visible(shown)
            self.labels[i].set_visible(shown)
            if shown:
                x0, x1 = float(x.min()), float(x.max())
                self.spans[i].set_x(x0)
                self.spans[i].set_width(x1 - x0)
                self.labels[i].set_x(0.5 * (x0 + x1))
        for axis in (self.ax, self.ax2):
            axis.relim(visible_only=True)
        self.ax.autoscale_view()
        top = max(np.max(bd["n_cm3"]), np.max(bd["p_cm3"]), np.max(bd.get("c_ion_cm3", 0)))
        self.ax2.set_ylim(bottom=max(1e-5, top * 1e-30), top=top * 10)
        self.title.set_text(title)


_band_figures: OrderedDict[tuple, _BandFigure] = OrderedDict()


def band_diagram(path: str | Path, bd: Mapping[str, np.ndarray], names: Sequence[str],
                 title: str, xlim: tuple | None = None) -> None:
    """Band edges and quasi-Fermi levels (top) and carrier densities (bottom) against x."""
    key = _digest("band_diagram", bd, list(names), title, xlim)
    if _reuse(path, key):
        return
    if xlim is not None:
        keep = (bd["x_nm"] >= xlim[0]) & (bd["x_nm"] <= xlim[1])
        bd = {k: v[keep] for k, v in bd.items()}
    c_ion = bd.get("c_ion_cm3")
    ions = tuple(c_ion is not None and bool(np.any(c_ion[bd["layer"] == i] > 0))
                 for i in range(len(names)))
    layout = (tuple(names), ions)
    figure = _band_figures.pop(layout, None) or _BandFigure(names, ions)
    _band_figures[layout] = figure
    while len(_band_figures) > 4:
        _band_figures.popitem(last=False)
    figure.draw(bd, title)
    _keep(key, save(figure.fig, path))


def iv_curves(path: str | Path, curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
              title: str, knees: Mapping[str, float] | None = None) -> None:
    """log|J| against V (top) and linear J against V (bottom), one curve per label."""
    fig, axes = new_figure(2, 3.2)
    ax, ax2 = axes[:, 0]
    for k, (label, (V, J)) in enumerate(curves.items()):
        V, J = np.asarray(V), np.asarray(J)
        ax.semilogy(V, np.abs(J), "o-", ms=3, color=f"C{k}", label=label)
        ax2.plot(V, J, "o-", ms=3, color=f"C{k}", label=label)
        if knees and np.isfinite(knees.get(label, np.nan)):
            ax2.axvline(knees[label], color=f"C{k}", ls=":", lw=1)
    ax.set_ylabel("|J| (A cm⁻²)")
    ax.set_title(title, y=1.0)
    log_axis(ax)
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    ax2.set_ylabel("J (A cm⁻²)")
    ax2.set_xlabel("applied bias V (V)")
    ax2.grid(True, alpha=0.3)
    save(fig, path)


def loglog(path: str | Path, series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
           xlabel: str, ylabel: str, title: str) -> None:
    """Log-log line plot (chronoamperometry); zero values are left out."""
    fig, axes = new_figure(1, 4.0)
    ax = axes[0, 0]
    for k, (label, (x, y)) in enumerate(series.items()):
        x, y = np.asarray(x, float), np.asarray(y, float)
        ok = (x > 0) & (y > 0)
        if np.any(ok):
            ax.loglog(x[ok], y[ok], "-", color=f"C{k}", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, y=1.0)
    log_axis(ax, "x")
    log_axis(ax, "y")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, path)


def impedance(out: Path, spectra: Mapping[str, Mapping[str, Sequence[float]]],
              title: str) -> None:
    """Nyquist (impedance_nyquist.png) and Bode (impedance_bode.png) plots."""
    fig, axes = new_figure(1, 4.5, ncols=2, width=11.0, sharex=False)
    for ax, zoom in zip(axes[0], (False, True)):
        for k, (label, s) in enumerate(spectra.items()):
            zr, mzi = np.asarray(s["Z_real_ohm_cm2"]), -np.asarray(s["Z_imag_ohm_cm2"])
            keep = np.ones(zr.shape, bool)
            if zoom:  # the bulk arc: up to 2x the real part where -Im Z is smallest
                keep = zr <= 2.0 * zr[np.argmin(mzi)]
            ax.plot(zr[keep], mzi[keep], "o-", ms=3, color=f"C{k}", label=label)
        ax.set_xlabel("Re Z (Ω cm²)")
        ax.set_ylabel("-Im Z (Ω cm²)")
        ax.set_title(f"{title}: Nyquist" + (" (bulk arc)" if zoom else ""), fontsize=10, y=1.0)
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    save(fig, Path(out) / "impedance_nyquist.png")
    fig, axes = new_figure(2, 3.2)
    ax, ax2 = axes[:, 0]
    for k, (label, s) in enumerate(spectra.items()):
        z = np.asarray(s["Z_real_ohm_cm2"]) + 1j * np.asarray(s["Z_imag_ohm_cm2"])
        ax.loglog(s["frequency_Hz"], np.abs(z), "o-", ms=3, color=f"C{k}", label=label)
        ax2.semilogx(s["frequency_Hz"], np.degrees(np.angle(z)), "o-", ms=3, color=f"C{k}")
    ax.set_ylabel("|Z| (Ω cm²)")
    ax.set_title(f"{title}: Bode", y=1.0)
    log_axis(ax)
    log_axis(ax2, "x")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax2.set_ylabel("phase (deg)")
    ax2.set_xlabel("frequency (Hz)")
    ax2.grid(True, which="both", alpha=0.3)
    save(fig, Path(out) / "impedance_bode.png")


def xy(path: str | Path, series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
       xlabel: str, ylabel: str, title: str, logy: bool = False, logx: bool = False) -> None:
    """A generic line plot (Arrhenius plots, sweeps, chronopotentiometry)."""
    fig, axes = new_figure(1, 4.0)
    ax = axes[0, 0]
    for k, (label, (x, y)) in enumerate(series.items()):
        (ax.semilogy if logy else ax.plot)(x, y, "o-", ms=3, color=f"C{k}", label=label)
    if logx:
        ax.set_xscale("log")
        log_axis(ax, "x")
    if logy:
        log_axis(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, y=1.0)
    ax.grid(True, which="both", alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=8)
    save(fig, path)
