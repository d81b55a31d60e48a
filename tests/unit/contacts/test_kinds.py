"""Contact kinds: their rules refuse what does not fit, and the device reads only their data."""

import pytest

from solver.case.schema import CONTACT_KINDS
from solver.contacts import KINDS, ContactKind
from solver.errors import CaseError


def test_schema_choices_are_the_registered_kinds():
    assert CONTACT_KINDS == tuple(KINDS)
    assert all(isinstance(k, ContactKind) and k.name == n for n, k in KINDS.items())


@pytest.mark.parametrize("name,needs_metal", [("ohmic", False), ("schottky", True),
                                              ("blocking", True), ("li_metal", True)])
def test_metal_rule(name, needs_metal):
    kind = KINDS[name]
    table = {"exchange_current_density_A_per_cm2": 1e-3}
    where = dict(file="c.toml", where="contacts.left", on_electrolyte=name == "li_metal")
    if needs_metal:
        with pytest.raises(CaseError, match="needs a metal"):
            kind.check(table, workfunction_eV=None, **where)
    kind.check(table, workfunction_eV=4.3, **where)


def test_where_a_kind_may_sit():
    for kind in KINDS.values():
        for on_el in (False, True):
            ok = kind.on_electrolyte if on_el else kind.on_semiconductor
            args = dict(file="c.toml", where="contacts.x", workfunction_eV=4.5,
                        on_electrolyte=on_el, layer="L")
            table = {"exchange_current_density_A_per_cm2": 1e-3}
            if ok:
                kind.check(table, **args)
            else:
                with pytest.raises(CaseError, match=r"contacts\.x\.kind"):
                    kind.check(table, **args)
    assert [n for n, k in KINDS.items() if k.on_electrolyte] == ["blocking", "li_metal"]


def test_li_metal_needs_an_exchange_current():
    with pytest.raises(CaseError, match="exchange_current_density_A_per_cm2"):
        KINDS["li_metal"].check({"exchange_current_density_A_per_cm2": None}, file=None,
                                where="contacts.li", workfunction_eV=2.9, on_electrolyte=True)


def test_fixed_components():
    assert KINDS["ohmic"].fixed_components(True) == [0, 1, 2]
    assert KINDS["schottky"].fixed_components(True) == [0]
    assert KINDS["blocking"].fixed_components(False) == []
    assert [n for n, k in KINDS.items() if k.exchanges_ions] == ["li_metal"]
