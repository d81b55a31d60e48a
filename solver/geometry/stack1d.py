"""Inspect the graded 1D mesh that interphase builds for a case's stack.

Usage: python -m solver.geometry.stack1d CASE.toml [--csv nodes.csv]
"""

from __future__ import annotations

import argparse

import numpy as np

from ..case import load_case
from ..results.atomic import write_csv
from .grading import debye_length, layer_grid, stack_nodes


def main() -> None:
    """Print per-layer mesh statistics and optionally write the node coordinates."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("case")
    p.add_argument("--csv", help="write x_nm of every node")
    args = p.parse_args()
    case = load_case(args.case)
    x, bounds = stack_nodes(case)
    T = min(case.temperatures)
    print(f"{case.name}: {len(x)} nodes over {bounds[-1] * 1e9:g} nm")
    for i, ly in enumerate(case.layers):
        sel = (x >= bounds[i]) & (x <= bounds[i + 1])
        h = np.diff(x[sel])
        g = layer_grid(case, ly)
        print(f"  {ly.name:<10} {sel.sum():6d} nodes  h {h.min() * 1e9:.3g}..{h.max() * 1e9:.3g} nm"
              f"  growth {g.growth:g}  Debye length {debye_length(case, ly, T) * 1e9:.3g} nm")
    if args.csv:
        write_csv(args.csv, {"x_nm": (x * 1e9).tolist()})


if __name__ == "__main__":
    main()
