"""Fixtures for the mesh-generator tests: read a .msh back independently (meshio) and check it."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import gmsh
import meshio
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # `meshes` lives at the repository root
    sys.path.insert(0, str(ROOT))

CELL = {2: "triangle", 3: "tetra"}
FACET = {2: "line", 3: "triangle"}


@dataclass
class Msh:
    """A mesh read back with meshio: points (nm) and connectivity per physical-group name."""

    points: np.ndarray
    groups: dict[str, np.ndarray]
    dims: dict[str, int]
    tags: dict[str, int]
    meta: dict

    def measure(self, name: str) -> np.ndarray:
        """Length / area / volume of every element of a group."""
        p = self.points[self.groups[name]]
        e = p[:, 1:] - p[:, :1]
        if e.shape[1] == 1:
            return np.linalg.norm(e[:, 0], axis=1)
        if e.shape[1] == 2:
            return 0.5 * np.linalg.norm(np.cross(e[:, 0], e[:, 1]), axis=1)
        return np.abs(np.einsum("ij,ij->i", e[:, 0], np.cross(e[:, 1], e[:, 2]))) / 6.0

    def centroids(self, name: str) -> np.ndarray:
        return self.points[self.groups[name]].mean(axis=1)

    def cells(self) -> np.ndarray:
        return np.concatenate([self.groups[n] for n in self.meta["layers"]])


def _one_group_per_entity(path: Path, dim: int) -> None:
    """Every entity carrying cells is in exactly one physical group (checked with gmsh)."""
    gmsh.initialize(readConfigFiles=False, interruptible=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(str(path))
        for _, tag in gmsh.model.getEntities(dim):
            if len(gmsh.model.mesh.getElements(dim, tag)[1]):
                assert len(gmsh.model.getPhysicalGroupsForEntity(dim, tag)) == 1
    finally:
        gmsh.finalize()


def read_and_check(path: Path, meta: dict) -> Msh:
    """Read ``path`` with meshio and check the generator conventions every mesh must satisfy."""
    assert json.loads(path.with_suffix(".json").read_text()) == meta
    dim = meta["dim"]
    m = meshio.read(path)
    names = {tag: name for name, (tag, _) in m.field_data.items()}
    dims = {name: int(d) for name, (_, d) in m.field_data.items()}
    tags = {name: int(t) for name, (t, _) in m.field_data.items()}
    assert set(names.values()) == set(meta["layers"]) | set(meta["contacts"])
    assert {n: tags[n] for n in meta["layers"]} == meta["physical_tags"]["cells"]
    assert {n: tags[n] for n in meta["contacts"]} == meta["physical_tags"]["facets"]
    assert all(dims[n] == dim for n in meta["layers"])
    assert all(dims[n] == dim - 1 for n in meta["contacts"])
    groups: dict[str, list[np.ndarray]] = {n: [] for n in names.values()}
    for block, phys in zip(m.cells, m.cell_data["gmsh:physical"]):
        assert block.type in (CELL[dim], FACET[dim]), block.type
        assert len(set(phys)) == 1 and phys[0] in names
        name = names[phys[0]]
        assert block.type == (CELL[dim] if dims[name] == dim else FACET[dim])
        groups[name].append(block.data)
    msh = Msh(m.points, {n: np.concatenate(g) for n, g in groups.items()}, dims, tags, meta)
    cells = msh.cells()
    assert len(cells) == meta["cells"]
    used = np.unique(cells)
    assert len(used) == meta["nodes"]
    if dim == 2:
        assert np.all(m.points[:, 2] == 0.0)
    lo, hi = m.points[used].min(axis=0)[:dim], m.points[used].max(axis=0)[:dim]
    np.testing.assert_allclose([lo, hi], meta["bounding_box_nm"], rtol=0, atol=1e-9)
    assert np.all(msh.measure(meta["layers"][0]) > 0)
    # conformity: every interior facet is shared by two cells, every contact facet is a boundary
    # facet of the cells
    faces = np.sort(np.concatenate([np.delete(cells, k, axis=1) for k in range(dim + 1)]), axis=1)
    uniq, count = np.unique(faces, axis=0, return_counts=True)
    assert set(count) <= {1, 2}
    boundary = {tuple(f) for f in uniq[count == 1]}
    for c in meta["contacts"]:
        assert len(msh.groups[c]) > 0
        assert all(tuple(f) in boundary for f in np.sort(msh.groups[c], axis=1))
    _one_group_per_entity(path, dim)
    return msh


@pytest.fixture
def check():
    return read_and_check
