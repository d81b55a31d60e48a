"""Parameter studies: grids, lists and samples of case keys, run under MPI with resume.

Entry points: :func:`solver.sweep.runner.run_sweep` (collective), :func:`load_study`,
:func:`solver.sweep.overview.format_status`, the merge of a job array's shards
:func:`solver.sweep.collect.collect` and the command :func:`solver.sweep.cli.sweep_command`.
Importing this package does not import MPI or DOLFINx.
"""

from .study import Study, check_points, load_study

__all__ = ["Study", "check_points", "load_study"]
