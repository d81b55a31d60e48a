"""Newton updates of quasi-Fermi potentials taken in their Slotboom variables.

A carrier density depends exponentially on its quasi-Fermi potential (``n ~ exp(-beta v)``,
``p ~ exp(beta w)`` at fixed electrostatic potential), while its continuity equation is linear
in the Slotboom variable ``exp(-beta v)`` (``exp(beta w)``) where the potential is fixed, as in
the minority-carrier boundary layers at ohmic contacts. The Newton system is the same in either
variable (its columns differ by the factor d(Slotboom)/d(potential)); only how the step is
applied differs. Applying a computed step ``dv`` as the linear change of the Slotboom variable,

    exp(-beta v_new) = exp(-beta v) (1 - beta dv)   ->   v_new = v - log1p(-beta dv) / beta,

solves such a linear boundary layer in one step, where the potential-space step
``v + dv`` (whose density factor is exp(-beta dv) instead of 1 - beta dv) needs several. The
density factor is floored at ``floor`` (a density shrinks at most that much per step), so the
steps are bounded: below by ln(floor) / beta, above by the logarithm of the growth, which is
itself a logarithmic damping (the caller need not damp them again). Near convergence both
agree to second order, so quadratic convergence and the converged solution are unchanged;
``log1p`` keeps the small final steps exact to round-off.
"""

from __future__ import annotations

import numpy as np

FLOOR = 0.1  # smallest density factor applied in the Slotboom variable


def slotboom_step(step: np.ndarray, sign: float, beta: float, floor: float = FLOOR) -> np.ndarray:
    """The potential step that applies ``step`` as a linear change of the Slotboom variable.

    Args:
        step: Newton steps of one quasi-Fermi potential (scaled units, kT_ref/q).
        sign: -1 for electrons (density ~ exp(-beta v)), +1 for holes (~ exp(beta w)).
        beta: T_ref / T.
        floor: Smallest density factor of one step.

    Returns:
        The steps to apply (same shape).
    """
    factor = sign * beta * step  # linearised relative density change
    return sign * np.log1p(np.maximum(factor, floor - 1.0)) / beta
