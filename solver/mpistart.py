"""A quiet MPI start for runs that no launcher started (a plain ``interphase run``).

A process started without ``mpirun`` / ``srun`` is an MPI singleton. Open MPI then spends
~0.4 s of a ~0.6 s ``MPI_Init`` choosing a messaging layer (probing UCX and the network
transports) and starting an ``orted`` helper process for a job of one. One process needs
none of that: the ``ob1`` messaging layer with the ``self`` transport, and no helper
(``ess_singleton_isolated``, Open MPI 4; Open MPI 5 starts none and ignores the name).
:func:`start_mpi` sets them as environment defaults, initialises MPI (``mpi4py.MPI``) and
removes them again, so processes this one starts (``mpirun`` of a parameter study, a renderer)
do not inherit a singleton's transports. It does so only when no launcher's variables are
present, MPI is not initialised yet, and never over a value the user set. Other MPI libraries
ignore ``OMPI_MCA_*`` variables.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from typing import Any

#: environment variables set by MPI launchers in the processes they start
LAUNCHER_VARIABLES = (
    "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK",  # Open MPI mpirun
    "PMIX_RANK", "PMIX_NAMESPACE",  # PMIx (Open MPI 5, srun --mpi=pmix)
    "PMI_RANK", "PMI_SIZE", "PMI_FD",  # PMI-1/2 (MPICH hydra, srun --mpi=pmi2)
    "SLURM_PROCID", "SLURM_STEP_ID",  # srun
    "MPI_LOCALRANKID", "PALS_RANKID", "MV2_COMM_WORLD_RANK",  # Intel MPI, Cray PALS, MVAPICH
)

#: Open MPI settings of a singleton (see the module docstring)
SINGLETON_SETTINGS = {
    "OMPI_MCA_pml": "ob1",
    "OMPI_MCA_btl": "self",
    "OMPI_MCA_ess_singleton_isolated": "1",
}


def launched(env: MutableMapping[str, str] | None = None) -> bool:
    """Whether an MPI launcher started this process (its variables are in ``env``)."""
    env = os.environ if env is None else env
    return any(name in env for name in LAUNCHER_VARIABLES)


def quiet_singleton(env: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set the singleton settings in ``env`` (default ``os.environ``) unless launched.

    Call before ``mpi4py.MPI`` is imported (MPI reads them at initialisation).

    Returns:
        The settings that were added (empty under a launcher or where the user set them).
    """
    env = os.environ if env is None else env
    if launched(env):
        return {}
    added = {k: v for k, v in SINGLETON_SETTINGS.items() if k not in env}
    env.update(added)
    return added


def start_mpi() -> Any:
    """Initialise MPI (quietly for a singleton, see the module docstring); returns ``MPI``."""
    if "mpi4py.MPI" in sys.modules:  # already initialised by the caller: nothing to choose
        from mpi4py import MPI

        return MPI
    added = quiet_singleton()
    try:
        from mpi4py import MPI
    finally:
        for name in added:
            os.environ.pop(name, None)
    return MPI
