"""Points reuse compiled forms: after the first points of a process nothing is JIT-compiled."""

import pytest

from helpers import CASES
from solver.sweep.runner import run_sweep

pytestmark = pytest.mark.serial

STUDY = f"""case = "{(CASES / 'si_pn_diode.toml').as_posix()}"
[set]
"study.kind" = "equilibrium"
[grid]
temperature_K = {{temps}}
"layers.1.donors_cm3" = [1e15, 1e16, 1e17]
"layers.0.thickness_nm" = [500.0, 1000.0]
"""


def test_sweep_points_do_not_recompile_forms(comm, tmp_path, monkeypatch):
    jit = pytest.importorskip("ffcx.codegeneration.jit")
    if not hasattr(jit, "_compile_objects"):
        pytest.skip("this FFCx has no _compile_objects to count")
    compiled = []
    original = jit._compile_objects

    def counting(*args, **kwargs):
        compiled.append(args[3])  # module name
        return original(*args, **kwargs)

    monkeypatch.setattr(jit, "_compile_objects", counting)
    first = tmp_path / "a.toml"
    first.write_text(STUDY.format(temps="[250.0, 300.0]"))
    res = run_sweep(first, tmp_path / "a", comm=comm)
    assert res.ran == 12 and res.exit_code == 0
    # a cold cache compiles every form once (10 modules), and DOLFINx 0.5.2 then one more
    # module in each of the next ~8 problems of the process; never one set per point
    assert len(compiled) <= 20
    before = len(compiled)
    second = tmp_path / "b.toml"
    second.write_text(STUDY.format(temps="[325.0, 350.0, 375.0]"))
    res = run_sweep(second, tmp_path / "b", comm=comm)
    assert res.ran == 18 and res.exit_code == 0
    assert compiled[before:] == []  # new temperatures, dopings, meshes: no compilation
