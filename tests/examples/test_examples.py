"""The examples of examples/ run as tests, serially and under mpirun -n 2."""

import runpy

import numpy as np

from helpers import ROOT

EXAMPLES = ROOT / "examples"


def test_diode_iv_in_a_few_lines(capsys, comm):
    assert len((EXAMPLES / "diode_iv.py").read_text().splitlines()) <= 15
    runpy.run_path(str(EXAMPLES / "diode_iv.py"), run_name="__main__")
    out = capsys.readouterr().out
    if comm.rank == 0:
        assert "ideality 1.0" in out, out  # a long-base Si diode: n close to 1


def test_leakage_vs_thickness(comm):
    mod = runpy.run_path(str(EXAMPLES / "leakage_vs_thickness.py"), run_name="example")
    table = mod["main"]((5.0, 20.0))
    for tab in table.values():
        assert sorted(tab["voltage_V"]) == [-1.0, 1.0]
        assert np.all(np.isfinite(tab["electron_current_density_A_per_cm2"]))
        assert np.all(tab["effective_conductivity_S_per_cm"] > 0)
    j5, j20 = (np.abs(table[t]["electron_current_density_A_per_cm2"]) for t in (5.0, 20.0))
    assert not np.allclose(j5, j20, rtol=1e-3, atol=0.0)  # the thickness is really applied


def test_map_2d(comm, shared_tmp):
    mod = runpy.run_path(str(EXAMPLES / "map_2d.py"), run_name="example")
    n_min = mod["main"](shared_tmp)
    assert sorted(n_min) == [0.0, 0.5] and min(n_min.values()) > 0
    if comm.rank == 0:
        assert (shared_tmp / "field_map.png").stat().st_size > 50_000
