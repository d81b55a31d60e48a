"""Device meshes in meshio formats (.inp, .med, .vtu ...): named groups, checks, same physics."""

import meshio
import numpy as np
import pytest

from helpers import CASES, one_line_error
from meshes import GENERATORS
from solver.case import load_case
from solver.device.problem import DeviceProblem
from solver.studies.equilibrium import run_equilibrium


def gmsh_mesh(folder):
    path = folder / "d.msh"
    GENERATORS["extruded_stack"](path, layers=[("p", 1000.0), ("n", 1000.0)], width_nm=100.0,
                                 ny=3, dim=2, h_min_nm=5.0, h_max_nm=100.0)
    return meshio.read(path)


def as_inp(m, path):
    """Abaqus: the physical groups as ELSETs."""
    names = {int(v[0]): k for k, v in m.field_data.items()}
    sets = {}
    for k, tags in enumerate(m.cell_data["gmsh:physical"]):
        for t in np.unique(tags):
            sets.setdefault(names[int(t)], [np.zeros(0, int)] * len(m.cells))[k] = \
                np.flatnonzero(tags == t)
    meshio.write(path, meshio.Mesh(m.points, m.cells, cell_sets=sets))


def as_med(m, path):
    """MED: one block per cell type, the groups as families (cell_tags)."""
    by_type, tags = {}, {}
    for b, t in zip(m.cells, m.cell_data["gmsh:physical"]):
        by_type.setdefault(b.type, []).append(b.data)
        tags.setdefault(b.type, []).append(-t)
    med = meshio.Mesh(m.points, [(k, np.concatenate(v)) for k, v in by_type.items()],
                      cell_data={"cell_tags": [np.concatenate(tags[k]) for k in by_type]})
    med.cell_tags = {-int(v[0]): [k] for k, v in m.field_data.items()}
    meshio.write(path, med)


@pytest.fixture
def meshes(comm, shared_tmp):
    if comm.rank == 0:
        m = gmsh_mesh(shared_tmp)
        as_inp(m, shared_tmp / "d.inp")
        as_med(m, shared_tmp / "d.med")
        meshio.write(shared_tmp / "d.vtu", meshio.Mesh(m.points, m.cells))  # no names
    comm.Barrier()
    return shared_tmp


def built_in(path, comm, sets=()):
    case = load_case(CASES / "si_pn_diode.toml", [f'geometry.msh="{path}"', *sets])
    pb = DeviceProblem(case, comm)
    entry, _ = run_equilibrium(pb, 300.0)
    return entry["built_in_potential_V"], pb.dm.mesh.topology.dim


@pytest.mark.parametrize("fmt", ["inp", "med"])
def test_a_meshio_format_gives_the_gmsh_physics(meshes, comm, fmt):
    ref, _ = built_in(meshes / "d.msh", comm)
    got, dim = built_in(meshes / f"d.{fmt}", comm)
    assert dim == 2
    assert got == pytest.approx(ref, abs=1e-12)
    if comm.rank == 0:
        import tempfile
        from pathlib import Path

        assert not list(Path(tempfile.gettempdir()).glob("interphase-mesh-*/d.msh"))


def test_missing_or_mismatched_groups_are_one_line_errors(meshes, comm):
    one_line_error(lambda: built_in(meshes / "d.vtu", comm), "geometry.msh",
                   "no named groups")
    one_line_error(lambda: built_in(meshes / "d.inp", comm, ['layers.0.name="p-Si"']),
                   "layers", "mesh regions ['n', 'p'] do not match the layers ['p-Si', 'n']")
    one_line_error(lambda: built_in(meshes / "nothere.vtu", comm), "mesh file not found")
    if comm.rank == 0:
        (meshes / "bad.vtu").write_text("<VTKFile garbage")
    comm.Barrier()
    one_line_error(lambda: built_in(meshes / "bad.vtu", comm), "meshio cannot read")
