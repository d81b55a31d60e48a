"""Electron current entering the electrolyte: the leakage the interphase must block.

The electron particle current from the first contact toward the second (+x in 1D: from the
left, where the interphase sits in the paper's cells) averaged over the electrolyte, as an
electric current density (positive when electrons move into the electrolyte from the first
contact's side). 2D / 3D devices resolve it along the boundary in :mod:`.entry`.
"""

from __future__ import annotations

import math

import numpy as np

import ufl
from dolfinx import fem

from ..numerics import compat
from .problem import DeviceProblem


class ElectrolyteElectronCurrent:
    """Electron current density entering the electrolyte (A/m^2), see the module docstring.

    Args:
        pb: The device problem (the forms are compiled once, evaluated at each call).
    """

    def __init__(self, pb: DeviceProblem) -> None:
        inside = 1.0 - pb.P.semi
        e = stack_direction(pb)
        Jn = sum(e[d] * pb.current_component("electron", d) for d in range(len(e)))
        self.pb = pb
        self.forms = (fem.form(inside * Jn * pb.dx), fem.form(inside * pb.dx))

    def __call__(self) -> float:
        """The current density of the present state (A/m^2; NaN without an electrolyte)."""
        flux, width = (compat.assemble_scalar(f, self.pb.comm) for f in self.forms)
        return -flux / width * self.pb.scaling.J0 if width > 0 else math.nan


def stack_direction(pb: DeviceProblem) -> np.ndarray:
    """Unit vector from the first contact's centroid to the second's (+x in 1D)."""
    msh = pb.dm.mesh
    gdim = msh.geometry.dim
    if gdim == 1 or len(pb.contacts) < 2:
        return np.eye(gdim)[0]
    x = ufl.SpatialCoordinate(msh)
    cents = []
    for cs in list(pb.contacts.values())[:2]:
        cents.append(np.array([compat.assemble_scalar(fem.form(x[d] * pb.ds(cs.tag)), pb.comm)
                               for d in range(gdim)]) / pb.contact_area(cs.name))
    v = cents[1] - cents[0]
    return v / np.linalg.norm(v)
