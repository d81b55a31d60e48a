"""Shared fixtures; every test not marked ``serial`` must also pass under ``mpirun -n 2``."""

from __future__ import annotations

import gc
import logging
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from mpi4py import MPI

logging.getLogger("solver").setLevel(logging.WARNING)

# CI machines are shared and slow: no per-example deadline (a loaded core makes a 200 ms
# deadline flaky); examples are derived from the test, so every run checks the same inputs
settings.register_profile("interphase", deadline=None, derandomize=True)
settings.load_profile("interphase")


@pytest.fixture
def comm():
    return MPI.COMM_WORLD


@pytest.fixture
def shared_tmp(comm):
    """A temporary folder shared by all ranks (created on rank 0)."""
    path = tempfile.mkdtemp(prefix="interphase-test-") if comm.rank == 0 else None
    path = comm.bcast(path, root=0)
    yield Path(path)


@pytest.fixture
def write_case(tmp_path):
    """Write TOML text to a per-rank file and return its path."""
    counter = iter(range(1000))

    def _write(text: str, name: str | None = None) -> Path:
        p = tmp_path / (name or f"case{next(counter)}.toml")
        p.write_text(text)
        return p

    return _write


@pytest.fixture(autouse=True)
def _collective_teardown():
    yield
    gc.collect()
    MPI.COMM_WORLD.Barrier()
