"""The Python API, importable as ``interphase`` (see the README's "Python API").

``import interphase`` loads no dolfinx, PETSc or MPI: they load at the first solve.
"""

from .case import CaseSpec, load_case
from .results import Results, read_results, read_table
from .run import rank, run, sweep, validate_iv, validate_paper

__all__ = ["CaseSpec", "Results", "load_case", "rank", "read_results", "read_table", "run",
           "sweep", "validate_iv", "validate_paper"]
