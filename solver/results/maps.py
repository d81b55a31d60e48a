"""The electron entry current along the electrolyte's boundaries (matplotlib: 1D curves).

The maps of 2D / 3D solutions are PyVista pictures (:mod:`solver.results.render`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .plots import _save


def electron_entry_profile(path: str | Path, data: Mapping[str, Any], title: str) -> None:
    """The entry current density ``-J_n . n_in`` against the position along each boundary.

    Args:
        path: PNG to write.
        data: ``centre_nm`` (facet centres, nm), ``boundary`` (name per facet) and
            ``electron_entry_A_per_cm2`` (A/cm^2, positive = electrons into the electrolyte).
        title: Figure title.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    centre = np.asarray(data["centre_nm"])
    j = np.asarray(data["electron_entry_A_per_cm2"])
    names = list(dict.fromkeys(data["boundary"]))
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
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
