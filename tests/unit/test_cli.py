"""The console command as users run it (subprocesses, so serial)."""

import json
import os
import subprocess
import sys

import pytest

from helpers import CASES, diode_toml

pytestmark = pytest.mark.serial


def interphase(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "solver", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def test_version():
    r = interphase("--version")
    assert r.returncode == 0 and "interphase" in r.stdout


def test_check_ok():
    r = interphase("check", CASES / "seed_stack.toml")
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


def test_check_meshed_case_builds_and_checks_the_mesh(tmp_path):
    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir()

    def run(*args):
        return subprocess.run([sys.executable, "-m", "solver", *map(str, args)],
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "TMPDIR": str(env_tmp)})

    r = run("check", CASES / "onchip_3d.toml")
    assert r.returncode == 0, r.stderr
    assert "3D mesh, 2151 nodes, groups match the layers and contacts" in r.stdout
    assert list(env_tmp.glob("interphase-mesh-*")) == []  # the generated mesh is not left
    # behind (OpenMPI 5 keeps its own session folder there)
    r = run("check", CASES / "onchip_2d.toml", "--set", 'layers.0.name="TiO2"')
    assert r.returncode == 2 and "mesh regions ['n-TiO2', 'p-Si'] do not match" in r.stderr
    r = run("check", CASES / "onchip_2d.toml", "--set", "geometry.parameters.pad_width_nm=5e3")
    assert r.returncode == 2 and "geometry.parameters: pad_width_nm" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_check_bad_case_is_one_line_exit_2(write_case):
    path = write_case(diode_toml().replace("thickness_nm = 1000.0", "thickness_nm = -1.0", 1))
    r = interphase("check", path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "layers[0].thickness_nm" in r.stderr


def test_missing_file_exit_2(tmp_path):
    r = interphase("check", tmp_path / "nope.toml")
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_materials_lists_sources():
    r = interphase("materials", "Si")
    assert r.returncode == 0
    assert "Eg_eV" in r.stdout and "Ioffe" in r.stdout


def test_keys_reference():
    r = interphase("keys")
    assert "thickness_nm" in r.stdout and "[[layers]]" in r.stdout


def test_run_with_set_and_petsc(tmp_path):
    out = tmp_path / "out"
    r = interphase("run", CASES / "si_pn_diode.toml", "--out", out, "--set",
                   "study.voltages_V=[0.0, 0.3]", "--petsc", "-snes_monitor", "--no-plots")
    assert r.returncode == 0, r.stderr
    assert "SNES Function norm" in r.stdout
    assert not list(out.glob("*.png"))  # --no-plots
    s = json.loads((out / "summary.json").read_text())
    assert s["iv"]["voltage_V"] == [0.0, 0.3]
    assert "--set" in s["provenance"]["command"]
    assert s["provenance"]["case_sha256"]


def test_validate_iv_file(tmp_path):
    out = tmp_path / "val"
    r = interphase("validate", "--iv", CASES / "data" / "tio2_psi_diode_iv_T.csv", "--out", out)
    assert r.returncode == 0, r.stderr
    assert "phi_B" in r.stdout
    assert (out / "iv_fit.png").is_file() and (out / "validation.json").is_file()


def test_validate_bad_file_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("voltage_V,current_density_A_per_cm2\n0.1,abc\n0.2,1e-3\n0.3,1e-2\n")
    r = interphase("validate", "--iv", bad)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
