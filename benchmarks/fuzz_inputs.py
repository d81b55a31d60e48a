"""Count what hostile inputs do to interphase: tracebacks, hangs, crashes, invalid inputs accepted.

    .venv/bin/python benchmarks/fuzz_inputs.py [--n 3000] [--kinds case,set,study,iv,msh,bad]
        [--timeout 20] [--seed 1] [--run-accepted 0]

Generates mutated inputs (deterministic for a seed) of six kinds and feeds each, in a worker
process, through the code path a user's command takes:

- ``case``: shipped case files mutated in values, keys and structure -> ``interphase check``;
- ``set``: ``--set`` overrides with random keys and values -> ``interphase check``;
- ``study``: the shipped study file mutated, plus misuse (1e9-point grids, deep nesting) ->
  the sweep's validation (``load_study`` + ``check_points``);
- ``iv``: measured I-V files mutated (digits, sizes, encodings) -> ``interphase validate --iv``;
- ``msh``: a generated .msh mutated (truncated, ``$PhysicalNames 0``, sidecars) ->
  ``interphase check`` of a case that reads it;
- ``bad``: known-invalid values (physically out of range or runaway meshes) -> ``check``;
  every one must be refused: an accepted one counts as "invalid accepted".

Outcomes: ``accepted`` (exit 0), ``refused`` (one-line error, exit 2 / 3), ``multiline`` (an
error message over several lines), ``traceback`` (an exception escaped, or exit 4 = internal
error), ``hang`` (no answer within ``--timeout`` s: the worker is killed and restarted),
``crash`` (the worker died, e.g. of memory: it runs under a 4 GB address-space limit). Also
counted: inputs whose output carried a Python warning, and ``interphase-mesh-*`` temporary
folders left behind. ``--run-accepted N`` also runs the first N accepted 1D case mutants;
``--keep DIR`` keeps the inputs that gave a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = ROOT / "cases"
CASE_FILES = ["si_pn_diode.toml", "onchip_diode.toml", "pellet_bare.toml", "seed_stack.toml",
              "pellet_impedance.toml", "li_galvanostatic.toml", "pellet_chronoamperometry.toml",
              "onchip_2d.toml", "grain_boundary_2d.toml"]
HOSTILE = [0, -1, 1, 0.0, -0.0, 1e300, -1e300, 5e-324, 1e-300, float("nan"), float("inf"),
           -float("inf"), 10**30, -10**30, 2**63, "x", "", "a\nb", "Si", True, False, [], {},
           [1, 2], [[1]], {"a": 1}, {"start": 0, "stop": 1e300, "step": 1e-300}, "é" * 300,
           1e15, 1e-15, 1e6, 7, 1.0000001, 1e5]


def toml_value(v) -> str:
    from solver.sweep.points import toml_value as tv

    return tv(v)


def dump(doc: dict) -> str:
    return "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in doc.items()) + "\n"


def leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    elif isinstance(node, list) and node and isinstance(node[0], dict):
        for i, v in enumerate(node):
            yield from leaves(v, (*path, i))
    else:
        yield path, node


def get_parent(doc, path):
    node = doc
    for p in path[:-1]:
        node = node[p]
    return node


def deep(n: int, inline: bool) -> str:
    return ("{a = " * n + "1" + "}" * n) if inline else ("[" * n + "1" + "]" * n)


def mutate_doc(rng: random.Random, doc: dict) -> str:
    """Mutate a parsed document (values, keys, structure) and render it as TOML."""
    for _ in range(rng.randint(1, 3)):
        lv = list(leaves(doc))
        path, value = rng.choice(lv)
        if not path:
            continue
        parent = get_parent(doc, path)
        op = rng.random()
        if op < 0.45:
            new = rng.choice(HOSTILE)
            if isinstance(value, int | float) and not isinstance(value, bool) and rng.random() < .5:
                new = value * rng.choice([1e6, 1e-6, -1, 1e30, 1e-30, 0])
            parent[path[-1]] = new
        elif op < 0.6 and isinstance(parent, dict):
            del parent[path[-1]]
        elif op < 0.75 and isinstance(parent, dict):
            parent[rng.choice(["x", "thickness_mn", "name", "kind", "growth", "max_nodes",
                               str(path[-1]) + "_"])] = rng.choice(HOSTILE)
        elif op < 0.85:
            parent[path[-1]] = {"a": {"b": value}} if rng.random() < .5 else [value, value]
        else:
            top = rng.choice(list(doc))
            doc[top] = rng.choice([[], {}, [doc[top], doc[top]], "x", 1])
    text = dump(doc)
    if rng.random() < 0.05:
        text += f"deep = {deep(rng.choice([50, 500, 3000]), rng.random() < .5)}\n"
    return text


def mutate_text(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.4 and "=" in lines[i]:
            lines[i] = lines[i].split("=")[0] + "= " + rng.choice(
                ["1e999", "-0.0", "nan", "inf", '"a\\nb"', "[]", "{}", "1_0", "0x10",
                 deep(rng.choice([20, 400]), True), "1e-320", "99999999999999999999"])
        elif op < 0.6:
            del lines[i]
        elif op < 0.8:
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
        else:
            lines.insert(i, rng.choice(["[mesh]", "[[layers]]", "[study]", "x = 1",
                                        "[materials.Si]\nEg_eV = -1", "[geometry]"]))
    return "\n".join(lines) + "\n"


def gen_case(rng, n):
    texts = {f: (CASES / f).read_text() for f in CASE_FILES}
    for _ in range(n):
        f = rng.choice(CASE_FILES)
        if rng.random() < 0.7:
            text = mutate_doc(rng, tomllib.loads(texts[f]))
        else:
            text = mutate_text(rng, texts[f])
        yield {"kind": "case", "text": text, "sets": []}


SET_KEYS = ["temperature_K", "layers.0.thickness_nm", "layers.1.donors_cm3", "layers.0",
            "layers.p.acceptors_cm3", "layers.9.name", "mesh.growth", "mesh.min_nm",
            "mesh.max_nodes", "study.voltages_V", "study.kind", "study", "contacts.left.kind",
            "materials.Si.Eg_eV", "materials.Si.Nc_cm3", "solver.max_iterations", "x",
            "layers.0.mesh_growth", "output", "a.b.c.d.e", "study.frequencies_Hz",
            "study.t_end_s", "layers", "contacts", "", ".", "layers.-1.name"]


def gen_set(rng, n):
    vals = ["1e5", "1e-300", "5e-324", "1e303", "-1", "0", "nan", "inf", '"x"', "[]", "{}",
            "[300, 1e6]", "{start = 0, stop = 1e300, step = 1e-300}", '"a\nb"', "a\nb",
            deep(600, True), deep(600, False), "1.0000001", "true", "1e6", "{ a = 1 }",
            "[[1]]", "=", "'", "1e15", "1e-6"]
    for _ in range(n):
        sets = [f"{rng.choice(SET_KEYS)}={rng.choice(vals)}" for _ in range(rng.randint(1, 3))]
        yield {"kind": "case", "text": (CASES / "si_pn_diode.toml").read_text(), "sets": sets,
               "tag": "set"}


def gen_study(rng, n):
    case = json.dumps(str(CASES / "onchip_diode.toml"))
    base = (CASES / "sweeps" / "onchip_T_doping.toml").read_text().replace(
        '"../onchip_diode.toml"', case)
    misuse = [
        'case = "../onchip_diode.toml"\n[grid]\ntemperature_K = {start = 0, stop = 1e9, '
        'step = 1}\n',
        'case = "../onchip_diode.toml"\n[grid]\ntemperature_K = {start = 250, stop = 300, '
        'num = 1000000000}\n',
        'case = "../onchip_diode.toml"\n[grid]\n"layers.0.donors_cm3" = {start = 1, stop = 2, '
        'num = 100000}\ntemperature_K = {start = 250, stop = 300, num = 100000}\n',
        'case = "../onchip_diode.toml"\n[sample]\nmethod = "lhs"\nn = 1000000000\n'
        '[sample.bounds]\ntemperature_K = [250, 300]\n',
        'case = "/dev/zero"\n[list]\ntemperature_K = [300]\n',
        'case = "."\n[list]\ntemperature_K = [300]\n',
        f'case = "../onchip_diode.toml"\n[set]\nx = {deep(700, True)}\n[list]\n'
        'temperature_K = [300]\n',
        'case = "../onchip_diode.toml"\nranks_per_point = 99999999999\n[list]\n'
        'temperature_K = [300]\n',
        'case = "../onchip_diode.toml"\n[list]\ntemperature_K = [1e-300, 1e300]\n',
        'case = "../onchip_diode.toml"\n[grid]\ntemperature_K = {start = 250, stop = 1e300, '
        'step = 1e-300}\n',
    ]
    for m in misuse:
        yield {"kind": "study", "text": m.replace('"../onchip_diode.toml"', case)}
    for _ in range(n - len(misuse)):
        if rng.random() < 0.6:
            text = mutate_doc(rng, tomllib.loads(base))
        else:
            text = mutate_text(rng, base)
        yield {"kind": "study", "text": text}


ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def gen_iv(rng, n):
    srcs = [(CASES / "data" / f).read_text() for f in ("tio2_psi_diode_iv_T.csv",
                                                        "si_pn_diode_300K.csv")]
    specials = [("bad", "binary"), ("bad", "zero"), ("bad", "bigcell"), ("bad", "onevolt"),
                ("bad", "drift"), ("bad", "arabic"), ("bad", "underscore"), ("ok", "tiny"),
                ("ok", "huge"), ("ok", "hugeneg")]
    for i in range(n):
        text = rng.choice(srcs)
        lines = text.splitlines()
        head = [ln for ln in lines if ln.startswith("#") or (not ln[:1].isdigit()
                                                             and not ln.startswith("-"))]
        data = [ln for ln in lines if ln not in head]
        header = next(ln for ln in head if not ln.startswith("#"))
        bad, special = specials[i] if i < len(specials) else (None, None)
        if special is None and rng.random() < 0.4:
            special = rng.choice([s for _, s in specials])
            bad = dict((s, b) for b, s in specials)[special]
        item = {"kind": "iv", "bad": bad == "bad"}
        if special == "binary":
            item["bytes"] = bytes(rng.randrange(256) for _ in range(4000))
        elif special == "zero":
            item["path"] = "/dev/zero"
        elif special == "bigcell":
            data[3] = data[3] + "," + "9" * 200_000
        elif special == "onevolt":
            data = [",".join(["0.5", *d.split(",")[1:]]) for d in data]
        elif special == "drift":
            cols = header.split(",")
            if len(cols) < 3:
                header += ",temperature_K"
                data = [d.split(",")[:2] for d in data]
                data = [",".join([*d, str(300 + 0.1 * k)]) for k, d in enumerate(data)]
            else:
                data = [",".join([*d.split(",")[:2], str(300 + 0.1 * k)])
                        for k, d in enumerate(data)]
        elif special == "arabic":
            k = rng.randrange(len(data))
            data[k] = data[k].translate(ARABIC)
        elif special == "underscore":
            k = rng.randrange(len(data))
            cells = data[k].split(",")
            cells[0] = cells[0].replace("0", "0_0", 1) if "0" in cells[0] else "1_0"
            data[k] = ",".join(cells)
        elif special in ("tiny", "huge", "hugeneg"):
            f = {"tiny": 1e-300, "huge": 1e290, "hugeneg": 1e-200}[special]
            data = [",".join([d.split(",")[0], repr(float(d.split(",")[1]) * f),
                              *d.split(",")[2:]]) for d in data]
        else:
            for _ in range(rng.randint(1, 3)):
                k = rng.randrange(len(data))
                cells = data[k].split(",")
                j = rng.randrange(len(cells))
                cells[j] = rng.choice(["", "nan", "inf", "1e999", "x", "1,2", "0x1", "1e-400",
                                       "  ", "-", "1.2.3", "\x00", "１", "1e308", "٣"])
                data[k] = ",".join(cells)
            if rng.random() < 0.2:
                header = rng.choice(["voltage_V;current_A", "V (V), J (kA/cm2)", "",
                                     "voltage_V,voltage_mV,current_density_A_per_cm2",
                                     "voltage_V,current_A", "T (C),V (V),J (A/cm2)"])
            if rng.random() < 0.1:
                data = data[: rng.randint(0, 6)]
        item["text"] = "\n".join([*[h for h in head if h.startswith("#")], header, *data]) + "\n"
        yield item


def make_msh(work: Path) -> Path:
    from meshes import GENERATORS

    p = work / "base" / "onchip.msh"
    if not p.is_file():
        GENERATORS["onchip"](p, h_min_nm=4.0, h_max_nm=100.0, die_width_nm=500.0)
    return p


MSH_CASE = (CASES / "onchip_2d.toml").read_text().replace(
    'generator = "onchip"', 'msh = "m.msh"').replace(
    "parameters = {", "# parameters = {")


def gen_msh(rng, n, base: Path):
    raw = base.read_bytes()
    side = base.with_suffix(".json").read_text()
    for _ in range(n):
        op = rng.choice(["truncate", "truncate", "names0", "sidecar", "nosidecar", "garbage",
                         "empty", "ascii_truncate"])
        item = {"kind": "msh", "sidecar": side, "bad": True}
        if op == "truncate":
            item["msh"] = raw[: rng.randrange(len(raw))]
        elif op == "names0":
            item["ascii"] = "names0"
            item["sidecar"] = None
        elif op == "sidecar":
            item["msh"] = raw
            item["sidecar"] = rng.choice(['{"physical_tags": 5}', "[1, 2]", "{", '"x"',
                                          '{"physical_tags": {"cells": 3}}',
                                          '{"physical_tags": {"cells": {"n-TiO2": "a"}, '
                                          '"facets": {}}}', "null", '{"nodes": "many"}'])
            item["bad"] = None  # a broken sidecar may fall back to the .msh
        elif op == "nosidecar":
            item["msh"] = raw
            item["sidecar"] = None
            item["bad"] = False
        elif op == "garbage":
            item["msh"] = bytes(rng.randrange(256) for _ in range(3000))
        elif op == "empty":
            item["msh"] = b""
        else:
            item["ascii"] = "truncate"
            item["cut"] = rng.random()
        yield item


BAD = [  # (case file, --set) that must be refused
    ("si_pn_diode.toml", "temperature_K=1e-300"), ("si_pn_diode.toml", "temperature_K=1e5"),
    ("si_pn_diode.toml", "temperature_K=0.001"), ("si_pn_diode.toml", "temperature_K=1e300"),
    ("si_pn_diode.toml", "layers.0.thickness_nm=5e-324"),
    ("si_pn_diode.toml", "layers.0.thickness_nm=1e-300"),
    ("si_pn_diode.toml", "layers.0.thickness_nm=5e15"),
    ("si_pn_diode.toml", "layers.0.donors_cm3=1e303"),
    ("si_pn_diode.toml", "layers.0.acceptors_cm3=1e40"),
    ("si_pn_diode.toml", "mesh.growth=1e300"), ("si_pn_diode.toml", "mesh.min_nm=1e-300"),
    ("si_pn_diode.toml", "layers.0.thickness_nm=1e6;layers.0.mesh_growth=1.0000001"),
    ("si_pn_diode.toml", "layers.0.thickness_nm=1e6;layers.0.mesh_max_nm=0.1"),
    ("si_pn_diode.toml", "study.voltages_V={start = 0, stop = 1e300, step = 1e-300}"),
    ("si_pn_diode.toml", "study.voltages_V=[1e300]"),
    ("si_pn_diode.toml", "materials.Si.Eg_eV=1e300"),
    ("si_pn_diode.toml", "materials.Si.Nc_cm3=1e300"),
    ("si_pn_diode.toml", "materials.Si.eps_r=1e300"),
    ("si_pn_diode.toml", "solver.max_iterations=10000000000"),
    ("si_pn_diode.toml", "solver.update_tolerance=1e-300"),
    ("pellet_bare.toml", "study.t_end_s=1e300"), ("pellet_bare.toml", "study.step_V=1e300"),
    ("pellet_bare.toml", "contacts.left.stern_capacitance_uF_per_cm2=1e300"),
    ("pellet_impedance.toml", "study.frequencies_Hz={start = 1e-300, stop = 1e300, "
     "per_decade = 1}"),
    ("pellet_impedance.toml", "study.area_cm2=1e300"),
    ("onchip_2d.toml", "geometry.parameters.h_min_nm=1e-4"),
    ("onchip_2d.toml", "geometry.parameters.die_width_nm=1e12"),
    ("onchip_2d.toml", "geometry.parameters.die_width_nm=1e30"),
    ("onchip_2d.toml", "geometry.parameters.h_max_nm=1e-3"),
    ("grain_boundary_2d.toml", "geometry.parameters.width_nm=1e9"),
    ("onchip_3d.toml", "geometry.parameters.h_min_nm=0.01;geometry.parameters.h_edge_nm=0.5"),
    ("si_pn_diode.toml", "mesh.max_nodes=100"),
    ("seed_stack.toml", "temperature_K=[300, 300]"),
    ("pellet_bare.toml", "temperature_K=5"),
]


def gen_bad(rng, n):
    for f, s in BAD[:n]:
        yield {"kind": "case", "text": (CASES / f).read_text(), "sets": s.split(";"), "bad": True,
               "tag": "bad"}


# -- the worker ------------------------------------------------------------------------------
@contextlib.contextmanager
def captured(path: Path):
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(fd)
        os.close(saved[0])
        os.close(saved[1])


def _cli(argv: list[str]) -> int:
    from solver.cli import main

    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2


def run_one(item: dict, work: Path) -> dict:
    kind = item["kind"]
    d = Path(tempfile.mkdtemp(dir=work))
    log = d / "output.txt"
    res: dict = {"kind": item.get("tag", kind), "bad": item.get("bad")}
    try:
        with captured(log):
            if kind == "case":
                p = d / "case.toml"
                p.write_text(item["text"])
                argv = ["check", str(p)]
                for s in item["sets"]:
                    argv += ["--set", s]
                res["code"] = _cli(argv)
            elif kind == "study":
                from solver.errors import InterphaseError
                from solver.sweep.study import check_points, load_study

                p = d / "study.toml"
                p.write_text(item["text"])
                try:
                    check_points(load_study(p))
                    res["code"] = 0
                except InterphaseError as exc:
                    res["code"] = 2
                    print(f"interphase: error: {exc}", file=sys.stderr)
            elif kind == "iv":
                if "path" in item:
                    p = Path(item["path"])
                else:
                    p = d / "iv.csv"
                    if "bytes" in item:
                        p.write_bytes(item["bytes"])
                    else:
                        p.write_text(item["text"])
                res["code"] = _cli(["validate", "--iv", str(p), "--out", str(d / "out")])
            elif kind == "msh":
                (d / "case.toml").write_text(MSH_CASE)
                m = d / "m.msh"
                if "ascii" in item:
                    text = ascii_msh(work)
                    if item["ascii"] == "names0":
                        a = text.index("$PhysicalNames")
                        b = text.index("$EndPhysicalNames")
                        text = text[:a] + "$PhysicalNames\n0\n" + text[b:]
                    else:
                        text = text[: int(item["cut"] * len(text))]
                    m.write_text(text)
                else:
                    m.write_bytes(item["msh"])
                if item["sidecar"] is not None:
                    m.with_suffix(".json").write_text(item["sidecar"])
                res["code"] = _cli(["check", str(d / "case.toml")])
            elif kind == "run":
                p = d / "case.toml"
                p.write_text(item["text"])
                res["code"] = _cli(["run", str(p), "--out", str(d / "out"),
                                    "--set", "output.fields=false", "--set", "output.plots=false"])
    except BaseException as exc:  # that is what we count
        res["code"] = "exception"
        res["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    text = log.read_text(errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith("interphase: ")]
    res["message"] = lines[-1][:300] if lines else text.strip().splitlines()[-1][:300] \
        if text.strip() else ""
    res["lines"] = len(text.strip().splitlines())
    res["warning"] = "Warning" in text or "warnings.warn" in text
    res["traceback_text"] = "Traceback" in text
    import shutil

    keep = os.environ.get("FUZZ_KEEP")
    if keep and classify(res) == "traceback":  # keep the input and the log for a look
        target = Path(keep) / f"{kind}-{os.getpid()}-{len(list(Path(keep).glob('*')))}"
        shutil.copytree(d, target, dirs_exist_ok=True)
        (target / "item.json").write_text(json.dumps({k: v for k, v in item.items()
                                                      if k not in ("msh", "bytes")}))
    shutil.rmtree(d, ignore_errors=True)
    return res


def ascii_msh(work: Path) -> str:
    p = work / "base" / "ascii.msh"
    if not p.is_file():
        import gmsh

        gmsh.initialize(readConfigFiles=False)
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.open(str(work / "base" / "onchip.msh"))
        gmsh.option.setNumber("Mesh.Binary", 0)
        gmsh.write(str(p))
        gmsh.finalize()
    return p.read_text()


def worker(inputs: Path, start: int, results: Path, work: Path) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    items = json.loads(inputs.read_text())
    import mpi4py.MPI  # noqa: F401  - the CLI's commands import it; do it once

    for i in range(start, len(items)):
        item = items[i]
        if "msh" in item and isinstance(item["msh"], str):
            item["msh"] = bytes.fromhex(item["msh"])
        if "bytes" in item:
            item["bytes"] = bytes.fromhex(item["bytes"])
        with results.open("a") as fh:
            fh.write(json.dumps({"start": i}) + "\n")
        res = run_one(item, work)
        res["i"] = i
        with results.open("a") as fh:
            fh.write(json.dumps(res) + "\n")


def classify(r: dict) -> str:
    if r.get("code") in ("exception", 4) or r.get("traceback_text"):
        return "traceback"
    if r.get("code") == 0:
        return "accepted"
    if r.get("lines", 0) > 1 and r.get("kind") != "run":
        return "multiline"
    return "refused"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000, help="case mutants (others scale with it)")
    ap.add_argument("--kinds", default="case,set,study,iv,msh,bad")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--run-accepted", type=int, default=0)
    ap.add_argument("--worker", nargs=4, metavar=("INPUTS", "START", "RESULTS", "WORK"))
    ap.add_argument("--show", type=int, default=3, help="examples shown per outcome")
    ap.add_argument("--keep", help="copy the inputs (and logs) of tracebacks into this folder")
    a = ap.parse_args()
    if a.worker:
        worker(Path(a.worker[0]), int(a.worker[1]), Path(a.worker[2]), Path(a.worker[3]))
        return
    if a.keep:
        Path(a.keep).mkdir(parents=True, exist_ok=True)
        os.environ["FUZZ_KEEP"] = str(Path(a.keep).resolve())
    rng = random.Random(a.seed)
    work = Path(tempfile.mkdtemp(prefix="fuzz-inputs-"))
    tmpdir = work / "tmp"
    tmpdir.mkdir()
    (work / "base").mkdir()
    kinds = a.kinds.split(",")
    items: list[dict] = []
    n = a.n
    if "case" in kinds:
        items += gen_case(rng, n)
    if "set" in kinds:
        items += gen_set(rng, max(n // 5, 10))
    if "study" in kinds:
        items += gen_study(rng, max(n // 20, 20))
    if "iv" in kinds:
        items += gen_iv(rng, max(n // 10, 20))
    if "msh" in kinds:
        base = make_msh(work)
        items += gen_msh(rng, max(n // 30, 20), base)
    if "bad" in kinds:
        items += gen_bad(rng, len(BAD))
    for it in items:
        for k in ("msh", "bytes"):
            if isinstance(it.get(k), bytes):
                it[k] = it[k].hex()
    inputs, results = work / "inputs.json", work / "results.jsonl"
    inputs.write_text(json.dumps(items))
    out = run_all(items, inputs, results, work, tmpdir, a.timeout)
    if a.run_accepted:
        accepted = [items[r["i"]] for r in out if r["kind"] == "case" and classify(r) ==
                    "accepted" and "[geometry]" not in items[r["i"]]["text"]
                    and '"geometry"' not in items[r["i"]]["text"]][: a.run_accepted]
        runs = [{"kind": "run", "text": it["text"]} for it in accepted]
        inputs2, results2 = work / "inputs_run.json", work / "results_run.jsonl"
        inputs2.write_text(json.dumps(runs))
        out += run_all(runs, inputs2, results2, work, tmpdir, max(a.timeout, 300.0))
    report(out, tmpdir, a.show)
    import shutil

    shutil.rmtree(work, ignore_errors=True)


def run_all(items, inputs, results, work, tmpdir, timeout) -> list[dict]:
    done: dict[int, dict] = {}
    start = 0
    env = {**os.environ, "TMPDIR": str(tmpdir), "OMPI_MCA_rmaps_base_oversubscribe": "1"}
    t0 = time.time()
    while start < len(items):
        results.write_text("")
        proc = subprocess.Popen([sys.executable, __file__, "--worker", str(inputs), str(start),
                                 str(results), str(work)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        last, current, seen = time.time(), None, 0
        while True:
            time.sleep(0.05)
            lines = results.read_text().splitlines()
            for ln in lines[seen:]:
                if not ln.endswith("}"):
                    break
                rec = json.loads(ln)
                seen += 1
                last = time.time()
                if "start" in rec:
                    current = rec["start"]
                else:
                    done[rec["i"]] = rec
                    current = None
            if proc.poll() is not None:
                if current is not None:  # died on an input
                    done[current] = {"i": current, "kind": items[current].get(
                        "tag", items[current]["kind"]), "code": "crash",
                        "bad": items[current].get("bad"), "message": f"exit {proc.returncode}"}
                    start = current + 1
                else:
                    start = len(items)
                break
            if current is not None and time.time() - last > timeout:
                proc.kill()
                proc.wait()
                done[current] = {"i": current, "kind": items[current].get(
                    "tag", items[current]["kind"]), "code": "hang",
                    "bad": items[current].get("bad"), "message": f"> {timeout:g} s"}
                start = current + 1
                break
        print(f"  {len(done)}/{len(items)} inputs, {time.time() - t0:.0f} s", file=sys.stderr)
    return [done[i] for i in sorted(done)]


def report(out: list[dict], tmpdir: Path, show: int) -> None:
    by_kind: dict[str, Counter] = {}
    examples: dict[tuple, list] = {}
    for r in out:
        c = r["code"] if r.get("code") in ("hang", "crash") else classify(r)
        k = r["kind"]
        cnt = by_kind.setdefault(k, Counter())
        cnt["inputs"] += 1
        cnt[c] += 1
        if r.get("warning"):
            cnt["warning"] += 1
        if r.get("bad") and c == "accepted":
            cnt["invalid_accepted"] += 1
            c = "invalid_accepted"
        examples.setdefault((k, c), []).append(r.get("error") or r.get("message"))
    cols = ["inputs", "accepted", "refused", "multiline", "traceback", "hang", "crash",
            "invalid_accepted", "warning"]
    print(f"{'kind':<8}" + "".join(f"{c:>17}" for c in cols))
    total = Counter()
    for k, cnt in by_kind.items():
        total.update(cnt)
        print(f"{k:<8}" + "".join(f"{cnt[c]:>17}" for c in cols))
    print(f"{'total':<8}" + "".join(f"{total[c]:>17}" for c in cols))
    left = list(tmpdir.glob("interphase-mesh-*"))
    print(f"interphase-mesh-* temporary folders left: {len(left)}")
    for (k, c), ex in sorted(examples.items()):
        if c in ("traceback", "hang", "crash", "multiline", "invalid_accepted"):
            for e in list(dict.fromkeys(ex))[:show]:
                print(f"  {k} {c}: {e}")


if __name__ == "__main__":
    main()
