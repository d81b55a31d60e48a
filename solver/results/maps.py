"""Maps of 2D solutions (and sections of 3D ones): potential, carriers, current, electron entry.

matplotlib (Agg) draws them from per-cell vertex samples: no display and no VTK needed (PyVista's
VTK crashes off-screen on Debian 12's stack, see the README), and ParaView reads the field
files for anything more.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .plots import _save
from .slices import section_samples


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _triangulation(X: np.ndarray):
    from matplotlib.tri import Triangulation

    pts = X.reshape(-1, 2)
    return Triangulation(pts[:, 0], pts[:, 1], np.arange(len(pts)).reshape(-1, 3)), pts


def _aspect(ax, pts: np.ndarray) -> None:
    ext = np.ptp(pts, axis=0)
    if max(ext) < 5 * min(ext):  # thin films: stretch y rather than draw a hairline
        ax.set_aspect("equal", adjustable="box")


def field_maps(path: str | Path, samples: Mapping[str, np.ndarray], title: str) -> None:
    """Maps of psi, log10 n, log10 p (Gouraud) and log10 |J| (per cell) over a 2D mesh.

    A 3D (tetrahedral) sample set is drawn on its section by the plane y = middle of the mesh,
    which holds the stacking direction of the devices of meshes/ (x-z axes).
    """
    X = np.asarray(samples["xy_nm"])
    axes_names = ("x", "y")
    if X.ndim == 3 and X.shape[1:] == (4, 3):
        samples, where = section_samples(samples, axis=1)
        X, axes_names, title = samples["xy_nm"], ("x", "z"), f"{title}; section {where}"
    if X.ndim != 3 or X.shape[1:] != (3, 2) or not len(X):
        return  # triangles only
    plt = _pyplot()
    tri, pts = _triangulation(X)
    panels = [("psi_V", "$\\psi$ (V)"), ("log10_n_cm3", "log$_{10}$ n (cm$^{-3}$)"),
              ("log10_p_cm3", "log$_{10}$ p (cm$^{-3}$)")]
    if "log10_J_A_per_cm2" in samples and np.max(samples["log10_J_A_per_cm2"]) > -200:
        panels.append(("log10_J_A_per_cm2", "log$_{10}$ |J| (A cm$^{-2}$)"))
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.5, 2.8 * len(panels)), squeeze=False)
    for ax, (key, label) in zip(axes[:, 0], panels):
        vals = np.asarray(samples[key])
        if key.startswith("log10"):
            vals = np.clip(vals, np.max(vals) - 20, None)
        if vals.ndim == 1:  # one value per cell
            im = ax.tripcolor(tri, facecolors=vals, cmap="magma")
        else:
            im = ax.tripcolor(tri, vals.reshape(-1), shading="gouraud", cmap="viridis")
        fig.colorbar(im, ax=ax, label=label)
        _aspect(ax, pts)
        ax.set_ylabel(f"{axes_names[1]} (nm)")
    fig.suptitle(title, fontsize=10)
    axes[-1, 0].set_xlabel(f"{axes_names[0]} (nm)")
    _save(plt, fig, path)


def electron_entry_map(path: str | Path, data: Mapping[str, Any], title: str) -> None:
    """Electron current map with the entry facets, and the entry current along each boundary.

    Top: log10 |J_n| per cell (2D meshes), the electrolyte's entry facets drawn over it.
    Bottom: the entry current density ``-J_n . n_in`` (A/cm^2, positive = electrons into the
    electrolyte) against the coordinate along each boundary.
    """
    plt = _pyplot()
    X = np.asarray(data["cells_nm"])
    centre = np.asarray(data["centre_nm"])
    j = np.asarray(data["electron_entry_A_per_cm2"])
    names = list(dict.fromkeys(data["boundary"]))
    two_d = X.ndim == 3 and X.shape[1:] == (3, 2)
    fig, axes = plt.subplots(2 if two_d else 1, 1, figsize=(7.5, 3.6 * (2 if two_d else 1)),
                             squeeze=False)
    axes = axes[:, 0]
    if two_d:
        ax = axes[0]
        tri, pts = _triangulation(X)
        logj = np.asarray(data["log10_abs_Jn"])
        im = ax.tripcolor(tri, facecolors=np.clip(logj, logj.max() - 12, None), cmap="magma")
        fig.colorbar(im, ax=ax, label="log$_{10}$ |J$_n$| (A cm$^{-2}$)")
        for k, name in enumerate(names):
            sel = np.array([b == name for b in data["boundary"]])
            ax.plot(centre[sel, 0], centre[sel, 1], ".", ms=2, color=f"C{k}",
                    label=f"entry: {name}")
        _aspect(ax, pts)
        ax.set_xlabel("x (nm)")
        ax.set_ylabel("y (nm)")
        ax.legend(fontsize=7, loc="upper right")
    ax = axes[-1]
    for k, name in enumerate(names):
        sel = np.array([b == name for b in data["boundary"]])
        c = centre[sel]
        along = int(np.argmax(np.ptp(c, axis=0))) if len(c) else 0
        order = np.argsort(c[:, along]) if len(c) else []
        ax.plot(c[order, along], j[sel][order], "-", lw=1.2, color=f"C{k}",
                label=f"{name} (along {'xyz'[along]})")
    ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel("position along the boundary (nm)")
    ax.set_ylabel("electron entry $-J_n\\cdot n_{in}$ (A cm$^{-2}$)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    _save(plt, fig, path)
