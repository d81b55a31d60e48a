"""interphase: finite-element device solver for semiconductor / solid-electrolyte stacks.

The Python API (the package's code lives in ``solver/``; ``import solver`` works too)::

    import interphase
    case = interphase.load_case("cases/si_pn_diode.toml").with_(temperature_K=350.0)
    res = interphase.run(case)            # collective on MPI.COMM_WORLD; out=None: in memory
    res.iv["voltage_V"], res.iv["current_density_A_per_cm2"], res.summary["knee_voltage_V"]

See the README's "Python API" for every function.
"""

from solver import __version__
from solver.api import *  # noqa: F403  (the API's names, listed in solver.api.__all__)
from solver.api import __all__ as _API

__all__ = ["__version__", *_API]
