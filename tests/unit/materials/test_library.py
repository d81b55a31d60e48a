import math

import pytest

from solver.constants import q
from solver.errors import MaterialError
from solver.materials import Electrolyte, MaterialLibrary, Metal, Semiconductor


def test_every_library_value_has_a_source():
    lib = MaterialLibrary()
    for row in lib.table():
        if row["source"] != "default":
            assert row["source"].startswith("["), row


def test_kinds():
    lib = MaterialLibrary()
    assert isinstance(lib.get("Si"), Semiconductor)
    assert isinstance(lib.get("LLZTO"), Electrolyte)
    assert isinstance(lib.get("Au"), Metal)
    assert lib.get("a-Si").eps_r == lib.get("Si").eps_r  # inherited through base


def test_silicon_intrinsic_density_and_laws():
    si = MaterialLibrary().get("Si")
    s300 = si.at(300.0)
    assert s300.ni * 1e-6 == pytest.approx(8.7e9, rel=0.02)  # materials.md [D]
    assert si.band_gap(300.0) / q == pytest.approx(1.1245, abs=1e-4)
    s400 = si.at(400.0)
    assert s400.ni * 1e-6 == pytest.approx(4.6e12, rel=0.05)
    assert s400.mu_n == pytest.approx(si.mu_n * (400 / 300) ** -2.42)
    assert s400.Nc == pytest.approx(si.Nc * (400 / 300) ** 1.5)


def test_ion_arrhenius():
    llzto = MaterialLibrary().get("LLZTO")
    li = llzto.ions[0]
    assert li.diffusivity(300.0) == pytest.approx(li.D)
    assert li.diffusivity(350.0) > li.D
    assert math.log(li.diffusivity(350.0) / li.D) == pytest.approx(
        li.activation / 1.380649e-23 * (1 / 300 - 1 / 350))


@pytest.mark.parametrize("override, text", [
    ({"Si": {"Eg_eV": -1.0}}, "Eg_eV = -1 is outside the physical range 0.001 .. 20"),
    ({"Si": {"eps_r": 0.5}}, "eps_r = 0.5 is outside the physical range 1 .. 10000"),
    ({"Si": {"Nc_cm3": -1e19}}, "Nc_cm3 = -1e+19 is outside the physical range"),
    ({"Si": {"Nv_cm3": 1e300}}, "Nv_cm3 = 1e+300 is outside the physical range 1e+10 .. 1e+25"),
    ({"Si": {"tau_n_s": 10**400}}, "tau_n_s: the number 1000"),
    ({"Si": {"eps_rr": 3}}, "did you mean 'eps_r'"),
    ({"Si": {"Eg": 1.1}}, "needs its unit: write 'Eg_eV'"),
    ({"Nope": {"eps_r": 3}}, "not in the library"),
])
def test_non_physical_values_are_errors_naming_material_and_field(override, text):
    name = next(iter(override))
    with pytest.raises(MaterialError, match=None) as exc:
        MaterialLibrary(override).get(name)
    assert text in str(exc.value)
    assert name in str(exc.value)


def test_override_and_new_material():
    lib = MaterialLibrary({"Si": {"eps_r": 11.9},
                           "myTiO2": {"base": "TiO2", "chi_eV": 4.4}}, origin="x.toml")
    assert lib.get("Si").eps_r == 11.9
    assert lib.get("Si").sources["eps_r"] == "set in x.toml"
    assert lib.get("myTiO2").chi / q == pytest.approx(4.4)
    assert lib.get("myTiO2").eps_r == lib.get("TiO2").eps_r


def test_base_loop_is_an_error():
    lib = MaterialLibrary({"A": {"base": "B"}, "B": {"base": "A"}})
    with pytest.raises(MaterialError, match="loops"):
        lib.get("A")
