"""PyVista 3D views of field grids: clipped volume, iso-surfaces, electron entry surface.

Imported only by the renderer process (see :mod:`solver.results.render`). The stacking
direction (z) of thin-film devices is stretched to a readable aspect; the title says by how
much and the axes keep the true coordinates (nm).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from .pvmaps import WIDTH, _bar, _label, log10_field, stretch, with_total_current


def _stretched3d(grid: pv.DataSet) -> tuple[pv.DataSet, float, list[float]]:
    """A copy with z stretched to a readable aspect, the factor and the true bounds."""
    b = list(grid.bounds)
    s = stretch(tuple(b), (0, 2), max_aspect=2.5)
    g = grid.copy()
    pts = np.asarray(g.points).copy()
    pts[:, 2] *= s
    g.points = pts
    return g, s, b


def _axes3d(p: pv.Plotter, g: pv.DataSet, b: list[float]) -> None:
    p.show_bounds(mesh=g, xtitle="x (nm)", ytitle="y (nm)", ztitle="z (nm)", axes_ranges=b,
                  font_size=11, color="black", fmt="%.4g", grid=False, location="outer",
                  n_xlabels=4, n_ylabels=4, n_zlabels=3)


def _volume_values(g: pv.DataSet, field: str) -> tuple[str, np.ndarray, tuple]:
    """Label, nodal values (log10 for densities and currents) and range of a field."""
    if field not in g.point_data:
        if field not in g.cell_data:
            raise ValueError(f"no field {field!r} in the file")
        g = with_total_current(g).cell_data_to_point_data()
    log = field.endswith("_cm3") or field.endswith("_A_per_cm2")
    vals = np.asarray(g.point_data[field])
    if log:
        vals, clim = log10_field(vals)
    else:
        clim = (float(vals.min()), float(max(vals.max(), vals.min() + 1e-9)))
    return _label(field, log), vals, clim


def volume_view(grid: pv.DataSet, png: str, title: str, field: str = "n_cm3") -> None:
    """log10 of a density on the volume, clipped through the middle (front quarter removed)."""
    g, s, b = _stretched3d(grid)
    label, values, clim = _volume_values(g, field)
    g["value"] = values
    c = g.center
    clipped = g.clip_box([c[0], g.bounds[1] + 1, g.bounds[2] - 1, c[1], g.bounds[4] - 1,
                          g.bounds[5] + 1], invert=True)
    p = pv.Plotter(off_screen=True, window_size=(WIDTH, 1100))
    p.add_mesh(clipped, scalars="value", cmap="plasma", clim=clim, show_scalar_bar=True,
               scalar_bar_args={**_bar(label), "position_x": 0.88})
    p.add_mesh(g.outline(), color="black", line_width=1.0)
    _axes3d(p, g, b)
    p.add_text(f"{title}\n{label}, front quarter cut away" + (
        f"; z stretched x{s:g}" if s != 1 else ""), position="upper_left", font_size=11)
    p.camera_position = "iso"
    p.camera.azimuth = -15
    p.camera.zoom(0.9)
    p.screenshot(png)
    p.close()


def iso_view(grid: pv.DataSet, png: str, title: str, field: str = "n_cm3",
             levels: int = 5) -> None:
    """Iso-surfaces of log10 of a density, evenly spaced in decades, over the device outline."""
    g, s, b = _stretched3d(grid)
    label, values, clim = _volume_values(g, field)
    g["value"] = values
    lo, hi = clim
    values = np.linspace(lo, hi, levels + 2)[1:-1]
    iso = g.contour(isosurfaces=values, scalars="value")
    p = pv.Plotter(off_screen=True, window_size=(WIDTH, 1100))
    if iso.n_points:
        p.add_mesh(iso, scalars="value", cmap="plasma", clim=clim, opacity=0.65,
                   show_scalar_bar=True, scalar_bar_args={**_bar(label), "position_x": 0.88},
                   smooth_shading=True)
    p.add_mesh(g.outline(), color="black", line_width=1.0)
    outline = g.extract_feature_edges(feature_angle=30)
    p.add_mesh(outline, color="gray", line_width=0.6)
    _axes3d(p, g, b)
    p.add_text(f"{title}\niso-surfaces of {label} at "
               + ", ".join(f"{v:.3g}" for v in values)
               + (f"; z stretched x{s:g}" if s != 1 else ""), position="upper_left",
               font_size=11)
    p.camera_position = "iso"
    p.camera.zoom(0.9)
    p.screenshot(png)
    p.close()


def entry_3d(grid: pv.DataSet, facets: pv.DataSet, png: str, title: str, top: float) -> None:
    """The electrolyte's entry facets coloured by ``-J_n . n_in`` (A/cm^2) over the outline."""
    g, s, b = _stretched3d(grid)
    f = facets.copy()
    pts = np.asarray(f.points).copy()
    pts[:, 2] *= s
    f.points = pts
    label = r"electron entry $-J_n\cdot n_{in}$ (A cm$^{-2}$)"
    p = pv.Plotter(off_screen=True, window_size=(WIDTH, 1100))
    p.add_mesh(f, scalars="electron_entry_A_per_cm2", cmap="coolwarm", clim=(-top, top),
               scalar_bar_args={**_bar(label), "position_x": 0.88})
    p.add_mesh(g.outline(), color="black")
    _axes3d(p, g, b)
    p.camera_position = "iso"
    p.add_text(f"{title}\nred: electrons enter the electrolyte, blue: they leave it"
               + (f"; z stretched x{s:g}" if s != 1 else ""), position="upper_left",
               font_size=11)
    p.screenshot(png)
    p.close()
