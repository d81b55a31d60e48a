"""Command line: ``python -m meshes GENERATOR OUT.msh [--key value | key=value ...]``.

Values are Python / JSON literals when they parse as one (``--dim 3``,
``--layers "[('p-Si', 10), ('n-TiO2', 10)]"``), else strings (``--offset vertical``); a value
``@FILE`` reads a list of numbers from FILE (one per line or comma separated, a non-numeric header
line is skipped), e.g. ``--x_nodes_nm @nodes.csv`` from
``python -m solver.geometry.stack1d --csv``. Dashes in keys may be written as underscores or
dashes. Prints the metadata as JSON; exit code 2 with a
one-line message on invalid parameters.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path
from typing import Any

from . import GENERATORS

USAGE = ("usage: python -m meshes {" + ",".join(GENERATORS) + "} OUT.msh "
         "[--key value | key=value ...]")


def _value(text: str) -> Any:
    if text.startswith("@"):
        nums = []
        for line in Path(text[1:]).read_text().splitlines():
            for tok in line.replace(",", " ").split():
                try:
                    nums.append(float(tok))
                except ValueError:
                    continue
        return nums
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        try:
            return json.loads(text)
        except ValueError:
            return text


def parse(argv: list[str]) -> tuple[str, str, dict[str, Any]]:
    """Split the command line into (generator, output path, parameters).

    Args:
        argv: Arguments after ``python -m meshes``.

    Raises:
        ValueError: On a malformed command line.
    """
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        raise ValueError(USAGE)
    name, out, rest = argv[0], argv[1], argv[2:]
    params: dict[str, Any] = {}
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg.startswith("--"):
            key, eq, val = arg[2:].partition("=")
            if not eq:
                if i + 1 >= len(rest):
                    raise ValueError(f"--{key} needs a value: write --{key} VALUE")
                val, i = rest[i + 1], i + 1
        elif "=" in arg:
            key, _, val = arg.partition("=")
        else:
            raise ValueError(f"unexpected argument {arg!r}: write --key value or key=value")
        params[key.replace("-", "_")] = _value(val)
        i += 1
    return name, out, params


def main(argv: list[str] | None = None) -> int:
    """Run a generator from the command line and print its metadata; return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        name, out, params = parse(argv)
        if name not in GENERATORS:
            raise ValueError(f"unknown generator {name!r}: use one of {', '.join(GENERATORS)}")
        gen = GENERATORS[name]
        known = [p for p in inspect.signature(gen).parameters if p != "path"]
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ValueError(f"{name}: unknown parameter(s) {', '.join(unknown)}: "
                             f"use {', '.join(known)}")
        meta = gen(out, **params)
    except (ValueError, TypeError) as exc:
        print(f"meshes: error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
