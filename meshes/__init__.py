"""Parametric gmsh geometry generators for 2D / 3D devices (coordinates in nm).

Every generator is ``generate(path, *, <parameters>, h_min_nm, h_max_nm, seed) -> dict``: it
writes ``path`` (.msh 4.1, linear triangles / tetrahedra, one physical group per layer and per
contact) and the returned metadata as JSON next to it (same stem, .json). See meshes/README.md;
``python -m meshes GENERATOR out.msh --key value ...`` is the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import extruded_stack, grain_boundary, grain_network, onchip, rough_interphase

GENERATORS: dict[str, Callable[..., dict[str, Any]]] = {
    "onchip": onchip.generate,
    "rough_interphase": rough_interphase.generate,
    "grain_boundary": grain_boundary.generate,
    "extruded_stack": extruded_stack.generate,
    "grain_network": grain_network.generate,
}

__all__ = ["GENERATORS"]
