"""PyVista pictures of field grids: maps, 3D views and electron entry (off-screen, EGL).

Imported only by the renderer process of :mod:`solver.results.render` (never next to
dolfinx). Every picture has a title, axes in nm and scalar bars with units; densities and
currents are drawn on log scales. Thin-film devices are far wider than tall (the on-chip
diode: 1000 nm x 20 nm), so the stacking direction is stretched to a readable aspect and the
title says by how much; the axis labels keep the true coordinates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyvista as pv
import vtkmodules.vtkRenderingMatplotlib  # noqa: F401  (math text: superscripts in labels)

pv.OFF_SCREEN = True
pv.global_theme.font.family = "arial"
pv.global_theme.font.color = "black"
pv.global_theme.background = "white"

#: (field, scalar bar title, colour map, log10)
PANELS = (("psi_V", "psi (V)", "viridis", False),
          ("n_cm3", "log10 n (cm^-3)", "plasma", True),
          ("p_cm3", "log10 p (cm^-3)", "cividis", True),
          ("J_A_per_cm2", "log10 |J| (A cm^-2)", "inferno", True))
DECADES = 20.0  # dynamic range drawn on log scales
WIDTH = 1600


def draw(job: dict[str, Any]) -> None:
    """Draw one picture job (see :func:`solver.results.render.picture_jobs`)."""
    grid = pv.read(job["vtu"])
    kind = job["kind"]
    if kind == "field_map":
        field_map(grid, job["png"], job["title"], job.get("fields"))
    elif kind in ("volume", "iso"):
        from . import pv3d

        view = pv3d.volume_view if kind == "volume" else pv3d.iso_view
        view(grid, job["png"], job["title"], job.get("field", "n_cm3"))
    elif kind == "entry":
        entry_map(grid, pv.read(job["facets"]), job["png"], job["title"])
    else:
        raise ValueError(f"unknown picture kind {kind!r}")


# -- data -------------------------------------------------------------------------------------
def with_total_current(grid: pv.DataSet) -> pv.DataSet:
    """Add cell data ``J_A_per_cm2``: the sum of every carrier's current density vector."""
    names = [k for k in grid.cell_data if k.startswith("J_") and k.endswith("_A_per_cm2")]
    if names:
        grid.cell_data["J_A_per_cm2"] = sum(np.asarray(grid.cell_data[k]) for k in names)
    return grid


def log10_field(values: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """log10 of a magnitude (vectors: their norm), floored ``DECADES`` below its maximum."""
    v = np.asarray(values, dtype=float)
    mag = np.linalg.norm(v, axis=1) if v.ndim == 2 else np.abs(v)
    top = float(np.log10(mag.max())) if mag.size and mag.max() > 0 else 0.0
    lo = top - DECADES
    out = np.log10(np.maximum(mag, 10.0**lo))
    return out, (max(lo, float(out.min())), max(top, lo + 1e-6))


def stretch(bounds: tuple, axes: tuple[int, int], max_aspect: float = 5.0) -> float:
    """Factor that stretches the second axis so the picture is at most ``max_aspect`` wide."""
    w = bounds[2 * axes[0] + 1] - bounds[2 * axes[0]]
    h = bounds[2 * axes[1] + 1] - bounds[2 * axes[1]]
    if h <= 0 or w / h <= max_aspect:
        return 1.0
    s = w / (max_aspect * h)
    mag = 10 ** math.floor(math.log10(s))
    return float(next(m * mag for m in (1, 2, 5, 10) if m * mag >= s * 0.999))


def plane(grid: pv.DataSet, axes: tuple[int, int], scale: float) -> pv.DataSet:
    """A copy of a planar grid drawn in x-y: coordinates ``axes`` (second one x ``scale``)."""
    g = grid.copy()
    pts = np.asarray(grid.points)
    g.points = np.column_stack([pts[:, axes[0]], pts[:, axes[1]] * scale,
                                np.zeros(len(pts))])
    return g


def layer_outlines(g: pv.DataSet) -> pv.PolyData | None:
    """The boundary lines of every layer of a planar grid (interfaces and outer edges)."""
    if "layer" not in g.cell_data:
        return None
    lines = []
    for lay in np.unique(g.cell_data["layer"]):
        part = g.extract_cells(np.flatnonzero(g.cell_data["layer"] == lay))
        edges = part.extract_feature_edges(boundary_edges=True, feature_edges=False,
                                           manifold_edges=False, non_manifold_edges=False)
        if edges.n_points:
            lines.append(edges)
    return pv.merge(lines) if lines else None


# -- 2D maps ------------------------------------------------------------------------------
def _bar(title: str) -> dict[str, Any]:
    return {"title": title, "vertical": True, "position_x": 0.88, "position_y": 0.15,
            "height": 0.7, "width": 0.04, "title_font_size": 16, "label_font_size": 14,
            "fmt": "%.3g", "n_labels": 5}


def render_plane(g: pv.DataSet, scalars: str, cmap: str, clim: tuple[float, float],
                 extras: list[tuple[pv.DataSet, dict[str, Any]]] = (),
                 width: int = WIDTH, margin: float = 0.0) -> np.ndarray:
    """An RGB image of a planar grid in x-y, covering its bounds plus ``margin`` x the width.

    The image spans ``[xmin - m, xmax + m] x [ymin - m, ymax + m]`` with ``m = margin * w``.
    """
    b = list(g.bounds)
    m = margin * (b[1] - b[0])
    b[0], b[1], b[2], b[3] = b[0] - m, b[1] + m, b[2] - m, b[3] + m
    w, h = b[1] - b[0], b[3] - b[2]
    height = max(round(width * h / w), 8)
    p = pv.Plotter(off_screen=True, window_size=(width, height))
    p.add_mesh(g, scalars=scalars, cmap=cmap, clim=clim, show_scalar_bar=False,
               interpolate_before_map=True, lighting=False)
    for mesh, kw in extras:
        p.add_mesh(mesh, lighting=False, **kw)
    p.enable_parallel_projection()
    p.camera.focal_point = (0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3]), 0.0)
    p.camera.position = (0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3]), 10.0 * max(w, h))
    p.camera.up = (0.0, 1.0, 0.0)
    p.camera.parallel_scale = 0.5 * h
    p.camera.clipping_range = (1e-3 * max(w, h), 100.0 * max(w, h))
    img = p.screenshot(return_img=True)
    p.close()
    return img


#: matplotlib labels of the panels (mathtext)
LABELS = {"psi_V": r"$\psi$ (V)", "n_cm3": r"$\log_{10}\,n$ (cm$^{-3}$)",
          "p_cm3": r"$\log_{10}\,p$ (cm$^{-3}$)",
          "J_A_per_cm2": r"$\log_{10}\,|J|$ (A cm$^{-2}$), current lines"}


def _label(name: str, log: bool) -> str:
    """``Ec_eV`` -> ``Ec (eV)``; ``c_Li_cm3`` -> ``log10 c_Li (cm^-3)`` (mathtext)."""
    units = {"V": "V", "eV": "eV", "cm3": "cm$^{-3}$", "A_per_cm2": "A cm$^{-2}$"}
    for suffix, unit in sorted(units.items(), key=lambda kv: -len(kv[0])):
        if name.endswith("_" + suffix):
            base = name[: -len(suffix) - 1]
            return (r"$\log_{10}$ " if log else "") + f"{base} ({unit})"
    return name


def field_map(grid: pv.DataSet, png: str, title: str, fields: list[str] | None = None) -> None:
    """Maps of psi, log10 n, log10 p and log10 |J| with current streamlines.

    A 2D grid is drawn as it is; a 3D grid on its section through the middle of the y axis
    (the plane that holds the stacking direction of the devices of ``meshes/``). VTK renders
    each field (exact P1 interpolation, per-layer steps, streamlines); matplotlib frames the
    images with axes in nm and colour bars.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    grid = with_total_current(grid)
    b = grid.bounds
    if b[5] - b[4] > 0 and b[3] - b[2] > 0:  # 3D: the mid-y section
        y = 0.5 * (b[2] + b[3])
        grid = grid.slice(normal="y", origin=(0.5 * (b[0] + b[1]), y, 0.5 * (b[4] + b[5])))
        axes, names, title = (0, 2), ("x", "z"), f"{title}; section y = {y:.4g} nm"
    else:
        axes, names = (0, 1), ("x", "y")
    b = grid.bounds
    s = stretch(b, axes)
    extent = [b[2 * axes[0]], b[2 * axes[0] + 1], b[2 * axes[1]], b[2 * axes[1] + 1]]
    g = plane(grid, axes, s)
    panels = [pn for pn in PANELS if (pn[0] in g.point_data or pn[0] in g.cell_data)
              and (fields is None or pn[0] in fields)]
    if fields is None and "J_A_per_cm2" in g.cell_data and not np.any(g["J_A_per_cm2"]):
        panels = [pn for pn in panels if pn[0] != "J_A_per_cm2"]  # equilibrium: no current
    known = {pn[0] for pn in PANELS}
    for name in fields or ():
        if name not in known:
            if name not in g.point_data and name not in g.cell_data:
                have = sorted({*g.point_data, *g.cell_data} - {"layer"})
                raise ValueError(f"no field {name!r} in the file (fields: {', '.join(have)})")
            log = name.endswith("_cm3") or name.endswith("_A_per_cm2")
            panels.append((name, name, "plasma" if log else "viridis", log))
    if not panels:
        raise ValueError(f"no field to draw among {fields}")
    outline = layer_outlines(g)
    aspect = (extent[3] - extent[2]) * s / (extent[1] - extent[0])
    cols = 2 if aspect > 0.35 and len(panels) > 1 else 1  # squarish devices: a 2 x 2 grid
    rows = -(-len(panels) // cols)
    width = 8.0 if cols == 1 else 12.0
    fig, axs = plt.subplots(rows, cols, squeeze=False, figsize=(
        width, rows * ((width / cols - 1.3) * aspect + 1.1) + 0.6))
    for ax in axs.ravel()[len(panels):]:
        ax.set_visible(False)
    for ax, (name, _, cmap, log) in zip(axs.ravel(), panels):
        d = g.copy()
        vals = d.point_data[name] if name in d.point_data else d.cell_data[name]
        if log:
            vals, clim = log10_field(vals)
        else:
            vals = np.asarray(vals)
            clim = (float(vals.min()), float(max(vals.max(), vals.min() + 1e-9)))
        d["value"] = vals
        extras = []
        if outline is not None:
            extras.append((outline, {"color": "white" if log else "black", "line_width": 1.0}))
        if name == "J_A_per_cm2":
            lines = streamlines(d)
            if lines is not None:
                extras.append((lines, {"color": "#9fe8ff", "line_width": 1.4}))
        img = render_plane(d, "value", cmap, clim, extras)
        ax.imshow(img, extent=extent, aspect="auto", interpolation="bilinear")
        sm = plt.cm.ScalarMappable(norm=Normalize(*clim), cmap=cmap)
        fig.colorbar(sm, ax=ax, label=LABELS.get(name, _label(name, log)), fraction=0.04,
                     pad=0.02)
        ax.set_ylabel(f"{names[1]} (nm)")
        ax.set_xlabel(f"{names[0]} (nm)")
    note = f" ({names[1]} stretched x{s:g})" if s != 1 else ""
    fig.suptitle(f"{title}{note}", fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=150)
    plt.close(fig)


def streamlines(g: pv.DataSet, n_seeds: int = 36) -> pv.PolyData | None:
    """Streamlines of the total current density in a planar grid (x-y).

    The layers' nodes are merged first (the field grids keep them apart per layer), so lines
    cross the interfaces; seeds are spread along the middle of every layer.
    """
    merged = g.clean(tolerance=0.0) if hasattr(g, "clean") else g
    pts = merged.cell_data_to_point_data()
    b = g.bounds
    ys = [0.5 * (b[2] + b[3])]
    if "layer" in g.cell_data:
        centres = g.cell_centers().points[:, 1]
        lay = np.asarray(g.cell_data["layer"])
        ys = [0.5 * (centres[lay == k].min() + centres[lay == k].max()) for k in np.unique(lay)]
    dx = (b[1] - b[0]) / (2 * n_seeds)
    seeds = pv.PolyData(np.array([(x, y, 0.0) for y in ys
                                  for x in np.linspace(b[0] + dx, b[1] - dx, n_seeds)]))
    try:
        lines = pts.streamlines_from_source(
            seeds, vectors="J_A_per_cm2", integration_direction="both",
            surface_streamlines=True, max_length=4.0 * max(b[1] - b[0], b[3] - b[2]),
            initial_step_length=0.2, max_steps=4000)
    except (ValueError, RuntimeError):
        return None
    return lines if lines.n_points else None


# -- electron entry -----------------------------------------------------------------------
def entry_map(grid: pv.DataSet, facets: pv.DataSet, png: str, title: str) -> None:
    """Electron entry current density on the electrolyte's boundary facets.

    2D: the facets as thick segments coloured by ``-J_n . n_in`` over the log10 |J_n| map.
    3D: the facets (the electrolyte's surface) coloured by the entry current, over the outline.
    Positive (red): electrons enter the electrolyte; negative (blue): they leave it.
    """
    j = np.asarray(facets.cell_data["electron_entry_A_per_cm2"])
    top = float(np.max(np.abs(j))) if j.size and np.max(np.abs(j)) > 0 else 1.0
    b = grid.bounds
    if b[5] - b[4] > 0 and b[3] - b[2] > 0:
        from .pv3d import entry_3d

        entry_3d(grid, facets, png, title, top)
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    s = stretch(b, (0, 1))
    g = with_total_current(plane(grid, (0, 1), s))
    f = plane(facets, (0, 1), s)
    logj, clim = log10_field(g.cell_data.get("J_n_A_per_cm2", np.zeros((g.n_cells, 3))))
    g["value"] = logj
    extras = [(f, {"scalars": "electron_entry_A_per_cm2", "cmap": "coolwarm",
                   "clim": (-top, top), "line_width": 7, "show_scalar_bar": False})]
    outline = layer_outlines(g)
    if outline is not None:
        extras.insert(0, (outline, {"color": "black", "line_width": 1.0}))
    margin = 0.02
    img = render_plane(g, "value", "Greys", clim, extras, margin=margin)
    m = margin * (b[1] - b[0])
    aspect = ((b[3] - b[2]) * s + 2 * m) / (b[1] - b[0] + 2 * m)
    fig, ax = plt.subplots(figsize=(8.0, 6.2 * aspect + 2.2))
    ax.imshow(img, extent=[b[0] - m, b[1] + m, b[2] - m / s, b[3] + m / s], aspect="auto",
              interpolation="bilinear")
    fig.colorbar(plt.cm.ScalarMappable(norm=Normalize(-top, top), cmap="coolwarm"), ax=ax,
                 label=r"electron entry $-J_n\cdot n_{in}$ (A cm$^{-2}$)", fraction=0.05,
                 pad=0.02)
    fig.colorbar(plt.cm.ScalarMappable(norm=Normalize(*clim), cmap="Greys"), ax=ax,
                 label=r"$\log_{10}\,|J_n|$ (A cm$^{-2}$)", orientation="horizontal",
                 fraction=0.05, pad=0.12)
    ax.set_xlabel("x (nm)")
    ax.set_ylabel("y (nm)")
    note = f" (y stretched x{s:g})" if s != 1 else ""
    ax.set_title(f"{title}{note}\nred: electrons enter the electrolyte, blue: they leave it",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=150)
    plt.close(fig)
