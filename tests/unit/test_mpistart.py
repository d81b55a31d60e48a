"""The quiet singleton MPI start: only without a launcher, never over the user's settings."""

import os
import subprocess
import sys

import pytest

from solver.mpistart import LAUNCHER_VARIABLES, SINGLETON_SETTINGS, launched, quiet_singleton


def test_plain_process_gets_the_singleton_settings():
    env = {"PATH": "/usr/bin"}
    added = quiet_singleton(env)
    assert added == SINGLETON_SETTINGS
    assert env["OMPI_MCA_pml"] == "ob1" and not launched(env)


@pytest.mark.parametrize("name", LAUNCHER_VARIABLES)
def test_launched_processes_are_left_alone(name):
    env = {name: "0"}
    assert launched(env)
    assert quiet_singleton(env) == {} and env == {name: "0"}


def test_user_settings_win():
    env = {"OMPI_MCA_pml": "ucx"}
    quiet_singleton(env)
    assert env["OMPI_MCA_pml"] == "ucx" and env["OMPI_MCA_btl"] == "self"


@pytest.mark.serial
def test_start_mpi_uses_them_and_children_do_not_inherit_them():
    env = {k: v for k, v in os.environ.items()
           if k not in LAUNCHER_VARIABLES and not k.startswith("OMPI_")}
    code = ("import os; from solver.mpistart import start_mpi; MPI = start_mpi(); "
            "from mpi4py import MPI as M; "
            "print(MPI.COMM_WORLD.size, M.Is_initialized(), "
            "any(k.startswith('OMPI_MCA_') for k in os.environ))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "True", "False"]
