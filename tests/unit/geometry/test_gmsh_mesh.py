"""Mesh files of 2D / 3D cases: group names, the generator's sidecar, the checks against a case."""

import pytest

from helpers import CASES
from meshes import GENERATORS
from solver.case import load_case
from solver.errors import CaseError
from solver.geometry.gmsh_mesh import checked_groups, mesh_metadata, physical_names

pytestmark = pytest.mark.serial


@pytest.fixture(scope="module")
def onchip_msh(tmp_path_factory):
    path = tmp_path_factory.mktemp("msh") / "onchip.msh"
    GENERATORS["onchip"](path, pad_width_nm=200.0, die_width_nm=1000.0, h_min_nm=4.0,
                         h_max_nm=100.0)
    return path


def test_names_from_sidecar_and_from_the_msh_agree(onchip_msh, tmp_path):
    meta = mesh_metadata(onchip_msh)
    assert meta["dim"] == 2 and meta["nodes"] > 0
    from_sidecar = physical_names(onchip_msh)
    assert set(from_sidecar["cells"]) == {"n-TiO2", "p-Si"}
    assert set(from_sidecar["facets"]) == {"bottom", "top"}
    bare = tmp_path / "bare.msh"  # no sidecar: the $PhysicalNames section
    bare.write_bytes(onchip_msh.read_bytes())
    assert mesh_metadata(bare) == {}
    assert physical_names(bare) == from_sidecar
    broken = tmp_path / "broken.msh"  # an unreadable sidecar falls back to the .msh too
    broken.write_bytes(onchip_msh.read_bytes())
    broken.with_suffix(".json").write_text("{not json")
    assert mesh_metadata(broken) == {}
    assert physical_names(broken) == from_sidecar


def test_groups_are_checked_against_the_case(onchip_msh, tmp_path):
    case = load_case(CASES / "onchip_2d.toml")
    assert set(checked_groups(case, onchip_msh)["cells"]) == {"n-TiO2", "p-Si"}
    renamed = load_case(CASES / "onchip_2d.toml", ['layers.1.name="Si"'])
    with pytest.raises(CaseError, match="do not match the layers"):
        checked_groups(renamed, onchip_msh)
    with pytest.raises(CaseError, match="mesh file not found"):
        checked_groups(case, tmp_path / "missing.msh")
    no_names = tmp_path / "plain.msh"
    no_names.write_text("$MeshFormat\n4.1 0 8\n$EndMeshFormat\n")
    with pytest.raises(CaseError, match="no named physical groups"):
        physical_names(no_names)
