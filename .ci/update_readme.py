"""Rewrite the case-file reference block of README.md from the schema (`make docs`)."""

from pathlib import Path

from solver.case import reference_markdown

path = Path(__file__).resolve().parents[1] / "README.md"
text = path.read_text()
head, rest = text.split("<!-- keys:begin -->\n", 1)
_, tail = rest.split("<!-- keys:end -->", 1)
path.write_text(head + "<!-- keys:begin -->\n" + reference_markdown().strip() + "\n"
                + "<!-- keys:end -->" + tail)
