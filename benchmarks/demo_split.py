"""Where the time of ``make demo`` goes: imports, device set-up, solves, fields, pictures.

Runs ``interphase run cases/seed_stack.toml`` (the demo) in a fresh subprocess whose functions
of each kind are wrapped by exclusive timers (a nested timer's time is its own, not its
caller's): ``pictures`` (every PNG: solver.results.plots, maps, the PyVista renderer, and queueing
for and waiting on the painter process that draws them, :mod:`solver.results.painter`),
``fields`` (sampling the fields and writing VTU/PVD series), ``device`` (DeviceProblem
construction: mesh, forms, JIT cache), ``solve`` (the study kinds' runs: equilibrium and
sweeps), ``tables`` (summary.json and CSV files), ``imports`` (solver, dolfinx, PETSc, MPI, up
to the command line's entry), and ``other`` (the rest of the process: interpreter start,
finalisation). The process's wall time is measured from the parent.

Usage: ``.venv/bin/python benchmarks/demo_split.py [--repeat 3] [--case cases/seed_stack.toml]``
(medians of the repeats; warm JIT cache: one unmeasured run first).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "cases" / "seed_stack.toml"
CATEGORIES = ("imports", "device", "solve", "fields", "pictures", "tables", "other")


class Timers:
    """Exclusive timers by category: time spent in nested timed calls is not the caller's.

    Both wall time and this process's CPU time (``cpu``; less disturbed by other processes on
    a busy machine) are kept.
    """

    def __init__(self) -> None:
        self.total = dict.fromkeys(CATEGORIES, 0.0)
        self.cpu = dict.fromkeys(CATEGORIES, 0.0)
        self.calls = dict.fromkeys(CATEGORIES, 0)
        self._stack: list[list[Any]] = []

    def wrap(self, category: str, fn):
        """``fn`` timed into ``category``."""

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            self._stack.append([category, time.perf_counter(), time.process_time(), 0.0, 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                cat, t0, c0, inner, inner_cpu = self._stack.pop()
                dt, dc = time.perf_counter() - t0, time.process_time() - c0
                self.total[cat] += dt - inner
                self.cpu[cat] += dc - inner_cpu
                self.calls[cat] += 1
                if self._stack:
                    self._stack[-1][3] += dt
                    self._stack[-1][4] += dc

        return timed


def _patch(timers: Timers) -> None:
    """Wrap the functions of each category (before the studies import them by name)."""
    from solver.device import fieldset, problem
    from solver.results import atomic, fields, maps, outputs, plots

    for mod, names in ((plots, ("band_diagram", "iv_curves", "loglog", "impedance", "xy")),
                       (maps, [n for n in dir(maps) if not n.startswith("_")
                               and callable(getattr(maps, n)) and n.endswith(("map", "maps",
                                                                               "profile"))])):
        for name in names:
            if hasattr(mod, name):
                setattr(mod, name, timers.wrap("pictures", getattr(mod, name)))
    try:
        from solver.results import render
        for name in ("render_pictures", "render"):
            if hasattr(render, name):
                setattr(render, name, timers.wrap("pictures", getattr(render, name)))
    except ImportError:
        pass
    from solver.results import painter

    painter.Painter.draw = timers.wrap("pictures", painter.Painter.draw)
    painter.Painter.finish = timers.wrap("pictures", painter.Painter.finish)
    fields.FieldSeries.write = timers.wrap("fields", fields.FieldSeries.write)
    fieldset.FieldSampler.sample = timers.wrap("fields", fieldset.FieldSampler.sample)
    problem.DeviceProblem.__init__ = timers.wrap("device", problem.DeviceProblem.__init__)
    for name in ("write_json", "write_csv"):
        setattr(atomic, name, timers.wrap("tables", getattr(atomic, name)))
        if hasattr(outputs, name):
            setattr(outputs, name, getattr(atomic, name))
    from solver.studies.registry import KINDS

    for kind in KINDS.values():
        kind.run = timers.wrap("solve", kind.run)


def _worker(case: str, out: str, result: str) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    timers = Timers()
    from solver.mpistart import start_mpi

    start_mpi()
    _patch(timers)
    from solver.cli import main

    t1, c1 = time.perf_counter(), time.process_time()
    code = main(["run", case, "--out", out])
    t2, c2 = time.perf_counter(), time.process_time()
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the painter (and renderers)
    timers.total["imports"], timers.cpu["imports"] = t1 - t0, c1 - c0
    timers.cpu["other"] = (c2 - c0) - sum(v for k, v in timers.cpu.items() if k != "other")
    Path(result).write_text(json.dumps({"exit": code, "inside_s": t2 - t0,
                                        "run_s": t2 - t1, **timers.total,
                                        "cpu": timers.cpu, "cpu_s": c2 - c0,
                                        "children_cpu_s": children.ru_utime + children.ru_stime,
                                        "calls": timers.calls}))


def measure(case: Path = CASE, repeat: int = 3, python: str = sys.executable) -> dict[str, Any]:
    """Median split of ``repeat`` demo runs (after one warm-up), each a fresh process."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="interphase-demo-") as tmp:
        for k in range(repeat + 1):
            res = Path(tmp) / f"r{k}.json"
            t = time.perf_counter()
            out = subprocess.run([python, __file__, "--worker", str(case), f"{tmp}/out{k}",
                                  str(res)], capture_output=True, text=True, cwd=ROOT)
            wall = time.perf_counter() - t
            if out.returncode != 0:
                raise RuntimeError(f"demo run failed:\n{out.stderr[-3000:]}")
            if k == 0:
                continue  # warm-up: JIT cache, page cache
            r = json.loads(res.read_text())
            r["process_s"] = wall
            r["other"] = wall - sum(r[c] for c in CATEGORIES if c != "other")
            runs.append(r)
    med = {c: statistics.median(r[c] for r in runs) for c in (*CATEGORIES, "process_s")}
    med["cpu"] = {c: statistics.median(r["cpu"][c] for r in runs) for c in CATEGORIES}
    med["cpu_s"] = statistics.median(r["cpu_s"] for r in runs)
    med["children_cpu_s"] = statistics.median(r["children_cpu_s"] for r in runs)
    med["pictures_drawn"] = runs[-1]["calls"]["pictures"]
    med["runs"] = runs
    return med


def report(med: dict[str, Any]) -> str:
    """The split as a table (wall and CPU seconds and shares of the process)."""
    total, cpu = med["process_s"], med["cpu_s"]
    lines = [f"demo (cases/seed_stack.toml), whole process {total:.2f} s wall, {cpu:.2f} s "
             f"CPU in Python's main thread (medians of {len(med['runs'])}); "
             f"{med['pictures_drawn']} picture calls",
             f"  {'':<9} {'wall s':>7} {'share':>6}  {'CPU s':>6} {'share':>6}"]
    for c in CATEGORIES:
        lines.append(f"  {c:<9} {med[c]:7.2f} {100 * med[c] / total:5.1f}%  "
                     f"{med['cpu'][c]:6.2f} {100 * med['cpu'][c] / cpu:5.1f}%")
    lines.append(f"  (pictures = drawing in this process plus queueing for and waiting on the "
                 f"painter process, which spent {med['children_cpu_s']:.2f} s CPU alongside)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default=str(CASE))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", help="write the split as JSON here")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return 0
    med = measure(Path(args.case), args.repeat)
    print(report(med))
    if args.out:
        Path(args.out).write_text(json.dumps(med, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
