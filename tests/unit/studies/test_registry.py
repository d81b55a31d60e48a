"""The study-kind registry is the one list of kinds: the schema and the runner agree with it."""

from solver.case.schema import STUDY_KINDS
from solver.studies.kind import StudyKind
from solver.studies.registry import KINDS


def test_schema_lists_exactly_the_registered_kinds():
    assert set(STUDY_KINDS) == set(KINDS)


def test_every_kind_is_a_study_kind_with_its_own_name():
    for name, cls in KINDS.items():
        assert issubclass(cls, StudyKind)
        assert cls.name == name
        assert cls.run is not StudyKind.run  # each kind runs something of its own


def test_tables_are_named_after_an_entry_key():
    assert KINDS["iv"].table == "iv"
    assert KINDS["equilibrium"].table is None
    assert {k for k, c in KINDS.items() if c.sweeps_bias} == {"iv", "leakage"}
