"""The README's case-file reference is the schema's (regenerate with `interphase keys`)."""

from helpers import ROOT
from solver.case import reference_markdown


def test_readme_reference_matches_schema():
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- keys:begin -->\n")[1].split("<!-- keys:end -->")[0]
    assert block.strip() == reference_markdown().strip()


def test_readme_names_both_commands():
    text = (ROOT / "README.md").read_text()
    assert "make demo" in text and "make test" in text
