"""A root of a scalar function on a sign-changing bracket (Brent's method).

The one root the solver needs at start-up (the charge-neutral potential of a layer with
Fermi-Dirac statistics or incomplete ionisation) does not justify importing scipy.optimize
(~40 ms). This is R. P. Brent's ``zero`` (Algorithms for Minimization without Derivatives,
1973, ch. 4): inverse quadratic interpolation or secant steps, safeguarded by bisection, so the
bracket shrinks every step and the root is found to ``2 eps |x| + xtol``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

EPS = 2.0**-52


def bracketed_root(f: Callable[[float], float], a: float, b: float, xtol: float = 1e-14,
                   maxiter: int = 500) -> float:
    """A zero of ``f`` between ``a`` and ``b`` (where ``f`` has opposite signs).

    Args:
        f: Continuous function.
        a: One end of the bracket.
        b: The other end.
        xtol: Absolute tolerance on the root (added to 2 eps |root|).
        maxiter: Most evaluations of ``f`` after the two ends.

    Returns:
        The root.

    Raises:
        ValueError: If ``f(a)`` and ``f(b)`` have the same sign, or after ``maxiter`` steps.
    """
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if (fa > 0) == (fb > 0):
        raise ValueError(f"f({a:g}) and f({b:g}) have the same sign: no bracketed root")
    c, fc = a, fa
    d = e = b - a
    for _ in range(maxiter):
        if abs(fc) < abs(fb):  # b is the best estimate, c the other end of the bracket
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol = 2.0 * EPS * abs(b) + xtol
        m = 0.5 * (c - b)
        if abs(m) <= tol or fb == 0.0:
            return b
        if abs(e) < tol or abs(fa) <= abs(fb):
            d = e = m  # bisection
        else:
            s = fb / fa
            if a == c:  # secant
                p, q = 2.0 * m * s, 1.0 - s
            else:  # inverse quadratic interpolation
                q, r = fa / fc, fb / fc
                p = s * (2.0 * m * q * (q - r) - (b - a) * (r - 1.0))
                q = (q - 1.0) * (r - 1.0) * (s - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            s, e = e, d
            if 2.0 * p < 3.0 * m * q - abs(tol * q) and p < abs(0.5 * s * q):
                d = p / q
            else:
                d = e = m
        a, fa = b, fb
        b += d if abs(d) > tol else math.copysign(tol, m)
        fb = f(b)
        if (fb > 0) == (fc > 0):  # keep the root between b and c
            c, fc = a, fa
            d = e = b - a
    raise ValueError(f"no convergence in {maxiter} steps (bracket [{b:g}, {c:g}])")
