import pytest

from helpers import CASES, diode_toml, one_line_error
from solver.case import load_case
from solver.errors import CaseError


def test_loads_si_diode():
    case = load_case(CASES / "si_pn_diode.toml")
    assert [ly.name for ly in case.layers] == ["p", "n"]
    assert case.layers[0].acceptors == pytest.approx(1e23)
    assert case.layers[0].thickness == pytest.approx(1e-6)
    assert case.study.kind == "iv"
    assert len(case.study.voltages) == 37
    assert case.study.voltages[0] == -1.0 and case.study.voltages[-1] == 0.8
    assert case.contacts["left"].at == "left"


def expect_error(write_case, text, *fragments, sets=()):
    path = write_case(text)
    return one_line_error(lambda: load_case(path, sets), *fragments)


def test_unknown_key_names_file_key_and_closest(write_case):
    text = diode_toml().replace("thickness_nm = 1000.0", "thickness_mn = 1000.0", 1)
    msg = expect_error(write_case, text, "layers[0].thickness_mn", "did you mean 'thickness_nm'")
    assert ".toml" in msg


def test_key_without_unit(write_case):
    text = diode_toml().replace("thickness_nm = 1000.0", "thickness = 1000.0", 1)
    expect_error(write_case, text, "layers[0].thickness", "thickness_nm")


def test_missing_required_key(write_case):
    text = diode_toml().replace('material = "Si"\n', "", 1)
    expect_error(write_case, text, "layers[0].material", "required key missing")


def test_wrong_type(write_case):
    text = diode_toml().replace("thickness_nm = 1000.0", 'thickness_nm = "ten"', 1)
    expect_error(write_case, text, "layers[0].thickness_nm", "expected a number")


@pytest.mark.parametrize("value", ["0.0", "-5.0"])
def test_non_positive_thickness(write_case, value):
    text = diode_toml().replace("thickness_nm = 1000.0", f"thickness_nm = {value}", 1)
    expect_error(write_case, text, "layers[0].thickness_nm", "must be > 0")


def test_unknown_material(write_case):
    text = diode_toml().replace('material = "Si"', 'material = "Sii"', 1)
    expect_error(write_case, text, "unknown material 'Sii'", "did you mean 'Si'")


def test_metal_as_layer(write_case):
    text = diode_toml().replace('material = "Si"', 'material = "Au"', 1)
    expect_error(write_case, text, "is a metal", "contacts")


def test_contacts_must_fit_the_stack(write_case):
    text = diode_toml().replace("[contacts.right]", "[contacts.top]")
    expect_error(write_case, text, "contacts.top", "left")
    text = diode_toml().replace("[contacts.right]\nkind", "[contacts.right]\nat = \"left\"\nkind")
    expect_error(write_case, text, "exactly one contact at each end")


def test_schottky_needs_a_metal(write_case):
    text = diode_toml().replace('[contacts.left]\nkind = "ohmic"',
                                '[contacts.left]\nkind = "schottky"')
    expect_error(write_case, text, "contacts.left", "needs a metal")


def test_study_contact_must_exist(write_case):
    text = diode_toml(study='kind = "iv"\ncontact = "lefft"\nvoltages_V = [0.1]')
    expect_error(write_case, text, "study.contact", "did you mean 'left'")


def test_iv_needs_voltages(write_case):
    expect_error(write_case, diode_toml(study='kind = "iv"'), "study.voltages_V")


def test_choice_suggestion(write_case):
    expect_error(write_case, diode_toml(study='kind = "equilibrum"'), "study.kind",
                 "did you mean 'equilibrium'")


def test_invalid_toml(write_case):
    expect_error(write_case, "name = \n", "not valid TOML")


def test_set_overrides(write_case):
    path = write_case(diode_toml())
    case = load_case(path, ["layers.1.donors_cm3=1e18", "temperature_K=[250, 300]",
                            'study.kind="equilibrium"'])
    assert case.layers[1].donors == pytest.approx(1e24)
    assert case.temperatures == (250.0, 300.0)
    with pytest.raises(CaseError, match="no item 5"):
        load_case(path, ["layers.5.donors_cm3=1"])


def test_material_override_error_names_file_and_key(write_case):
    text = diode_toml(extra="[materials.Si]\nEg_eV = -1.0\n")
    expect_error(write_case, text, "material 'Si': Eg_eV = -1 is outside the physical range",
                 "layers[0].material")


def test_range_expansion(write_case):
    case = load_case(write_case(diode_toml(
        study='kind = "iv"\nvoltages_V = { start = 0.5, stop = -0.5, step = 0.25 }')))
    assert case.study.voltages == (0.5, 0.25, 0.0, -0.25, -0.5)
    expect_error(write_case, diode_toml(
        study='kind = "iv"\nvoltages_V = { start = 0.0, stop = 1.0, step = 0.0 }'),
        "step must be > 0")


def test_set_by_layer_name(write_case):
    path = write_case(diode_toml())
    case = load_case(path, ["layers.n.donors_cm3=3e17"])
    assert case.layers[1].donors == pytest.approx(3e23)
    with pytest.raises(CaseError, match="no item q"):
        load_case(path, ["layers.q.donors_cm3=1"])


def test_transient_drives(write_case):
    tr = 'kind = "transient"\nt_end_s = 1.0\n'
    case = load_case(write_case(diode_toml(study=tr + "step_A_per_cm2 = 2e-3")))
    assert case.study.control == "current" and case.study.waveform == ((0.0, 20.0),)
    case = load_case(write_case(diode_toml(
        study=tr + "waveform_A_per_cm2 = {times_s = [0, 1], values_A_per_cm2 = [0, 1e-3]}")))
    assert case.study.bias_at(0.5) == pytest.approx(5.0)  # A/m^2
    assert load_case(write_case(diode_toml(study=tr + "step_V = 0.1"))).study.control == \
        "voltage"
    expect_error(write_case, diode_toml(study=tr + "step_V = 0.1\nstep_A_per_cm2 = 1e-3"),
                 "study.step_A_per_cm2", "one drive")
    expect_error(write_case, diode_toml(study=tr), "study.step_V", "needs step_V")
    expect_error(write_case, diode_toml(
        study=tr + "waveform_A_per_cm2 = {times_s = [0, 1], values_V = [0, 1]}"),
        "study.waveform_A_per_cm2", "values_A_per_cm2")
    expect_error(write_case, diode_toml(
        study='kind = "leakage"\nt_end_s = 1.0\nstep_A_per_cm2 = 1e-3'),
        "study.step_A_per_cm2", "voltage-controlled")


MESHED = """
name = "m"
[geometry]
{geometry}
[[layers]]
name = "p"
material = "Si"
acceptors_cm3 = 1e17
[contacts.a]
kind = "ohmic"
[contacts.b]
kind = "ohmic"
[study]
kind = "equilibrium"
"""


def test_geometry_mesh_takes_any_meshio_file_and_msh_is_its_alias(write_case):
    case = load_case(write_case(MESHED.format(geometry='mesh = "device.vtu"')))
    assert case.geometry["msh"] == "device.vtu"
    one_line_error(lambda: load_case(write_case(MESHED.format(
        geometry='mesh = "a.vtu"\nmsh = "b.msh"'))), "geometry.mesh", "not both")
