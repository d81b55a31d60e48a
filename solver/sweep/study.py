"""Study files: a base case and the points to run it at, validated as strictly as case files.

```toml
case = "../onchip_diode.toml"          # relative to the study file
ranks_per_point = 1                    # MPI ranks per point (domain decomposition)
outputs = ["knee_voltage_V", "rectification_ratio.1"]   # optional; default: every number
[set]                                  # optional: fixed overrides of every point
"study.kind" = "iv"
[grid]                                 # full factorial (first key slowest) ...
temperature_K = { start = 250.0, stop = 400.0, step = 50.0 }
"layers.1.acceptors_cm3" = { start = 1e17, stop = 1e19, num = 3, log = true }
# ... or [list] with equal-length arrays, or [sample] with method = "lhs" | "sobol", n, seed,
# log = [keys] and [sample.bounds] key = [low, high]
```

Keys are dotted case keys (quote them, or write nested tables: ``study.kind = ...`` is the same
as ``"study.kind" = ...``). Unknown study keys, empty axes and sample sizes < 1 are one-line
errors; every swept key and value is checked by loading the case with it (:func:`check_points`).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..case import schema as S
from ..errors import CaseError, InterphaseError
from . import designs as D
from . import points as P

DESIGNS = ("grid", "list", "sample")

TOP: dict[str, S.Key] = {
    "case": S.Key("str", "base case file (relative to the study file)", required=True),
    "description": S.Key("str", "free text", default=""),
    "ranks_per_point": S.Key("int", "MPI ranks that run each point (domain-decomposed)",
                             default=1, check="positive", limits=(1, 100_000)),
    "outputs": S.Key("strs", "dotted paths into each point's summary.json for the table; "
                     "default: every number (nested tables flattened)"),
    "plots": S.Key("bool", "write PNG plots of every point", default=False),
    "fields": S.Key("bool", "write XDMF field files of every point", default=False),
    "set": S.Key("table", "fixed overrides of every point: dotted case key = value"),
    "grid": S.Key("table", "full factorial: key = [values] or {start, stop, step} or "
                  "{start, stop, num, log}"),
    "list": S.Key("table", "key = [values], all of one length: point i takes the i-th values"),
    "sample": S.Key("table", "random design: method, n, seed, log, [sample.bounds]"),
}

@dataclass(frozen=True)
class Study:
    """A validated study.

    Attributes:
        path: The study file.
        case_path: The base case file.
        description: Free text.
        ranks_per_point: MPI ranks per point.
        outputs: Summary paths for the table (None: every number).
        plots: Write plots of every point.
        fields: Write field files of every point.
        fixed: Overrides applied to every point.
        design: 'grid', 'list' or 'sample'.
        keys: The swept keys.
        points: Inputs of every point (key -> value), in run order.
        digest: sha256 of the parsed study and base case documents (comments do not count).
    """

    path: Path
    case_path: Path
    description: str
    ranks_per_point: int
    outputs: tuple[str, ...] | None
    plots: bool
    fields: bool
    fixed: dict[str, Any]
    design: str
    keys: tuple[str, ...]
    points: tuple[dict[str, Any], ...]
    digest: str

    def sets(self, inputs: Mapping[str, Any]) -> list[str]:
        """``--set`` overrides of a point: output switches, then [set], then its inputs."""
        head = {"output.plots": self.plots, "output.fields": self.fields}
        return P.set_strings({**head, **self.fixed, **inputs})


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        if not path.is_file():
            raise CaseError(f"cannot read {what} (not a regular file)", file=str(path))
        if path.stat().st_size > S.MAX_FILE_BYTES:
            raise CaseError(f"the {what} has {path.stat().st_size:,} bytes; at most "
                            f"{S.MAX_FILE_BYTES:,}", file=str(path))
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(f"cannot read {what} ({exc.__class__.__name__}: {exc})",
                        file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(f"not valid TOML: {exc}", file=str(path)) from None
    except RecursionError:
        raise CaseError("tables or arrays nested too deeply", file=str(path)) from None
    S.check_depth(doc, str(path))
    return doc


def load_study(path: str | Path) -> Study:
    """Read and validate a study file and generate its points.

    Args:
        path: Study file (TOML).

    Returns:
        The study (points not yet checked against the case: see :func:`check_points`).

    Raises:
        CaseError: One line naming the file, the key and the fix.
    """
    path = Path(path)
    file = str(path)
    doc = _read_toml(path, "study file")
    top = S.validate_table(doc, TOP, "", file)
    designs = [d for d in DESIGNS if top[d] is not None]
    if len(designs) != 1:
        found = ", ".join(f"[{d}]" for d in designs) or "none"
        raise CaseError(f"a study needs exactly one of [grid], [list], [sample] (found {found})",
                        file=file)
    design = designs[0]
    case_path = (path.parent / top["case"]).resolve()
    if not case_path.is_file():
        raise CaseError(f"no case file '{top['case']}' (looked for {case_path})", file=file,
                        key="case")
    fixed = D.flat(top["set"] or {}, D.is_range, file, "set")
    for k, v in fixed.items():
        D.check_key(k, v, file, "set")
    points = {"grid": D.grid, "list": D.listed, "sample": D.sample}[design](top[design], file)
    keys = tuple(points[0])
    for k in keys:
        D.check_key(k, None, file, design)
        if k in fixed:
            raise CaseError("is both swept and fixed in [set]", file=file, key=f"{design}.{k}",
                            hint="remove it from [set]")
    D.check_prefixes([*keys, *fixed], file)
    case_doc = _read_toml(case_path, "case file")
    blob = json.dumps([doc, case_doc], sort_keys=True, default=str)
    return Study(path=path, case_path=case_path, description=top["description"],
                 ranks_per_point=top["ranks_per_point"],
                 outputs=tuple(top["outputs"]) if top["outputs"] is not None else None,
                 plots=top["plots"], fields=top["fields"], fixed=fixed, design=design,
                 keys=keys, points=tuple(points),
                 digest=hashlib.sha256(blob.encode()).hexdigest())


def check_points(study: Study, limit: int = 200) -> None:
    """Load the case at representative points so bad keys and values fail before any solve.

    Checks the first point, every value of every grid axis (others at their first value), the
    first ``limit`` list rows, and the low and high corners of a sample.

    Raises:
        CaseError: Naming the study, the point's overrides and the case's own message.
    """
    from ..case import load_case

    probes: list[dict[str, Any]] = [study.points[0]]
    first = study.points[0]
    if study.design == "grid":
        seen = {(k, json.dumps(first[k], default=str)) for k in study.keys}
        for p in study.points:
            for k in study.keys:
                tag = (k, json.dumps(p[k], default=str))
                if tag not in seen:
                    seen.add(tag)
                    probes.append({**first, k: p[k]})
    elif study.design == "list":
        probes = list(study.points[:limit])
    else:
        for pick in (min, max):
            probes.append({k: pick(p[k] for p in study.points) for k in study.keys})
    for inputs in probes:
        try:
            load_case(study.case_path, study.sets(inputs))
        except InterphaseError as exc:
            shown = ", ".join(P.set_strings(inputs))
            raise CaseError(f"at the point {shown}: {exc}", file=str(study.path)) from None


def reference_markdown() -> str:
    """The study-file reference as Markdown tables (generated from :data:`TOP` and SAMPLE)."""
    lines = []
    for title, spec in (("study file", TOP), ("[sample]", D.SAMPLE)):
        lines += S.key_table(title, spec)
    return "\n".join(lines)
