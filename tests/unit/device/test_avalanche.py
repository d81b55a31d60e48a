"""The impact-ionisation fixed point (solver.device.avalanche.fixed_point)."""

from solver.device.avalanche import fixed_point
from solver.numerics.newton import NewtonResult


class Contracting:
    """Magnitude changes that shrink by ``ratio`` per round (the ionisation integral)."""

    def __init__(self, ratio: float) -> None:
        self.ratio, self.change = ratio, 1.0

    def ionisation_bound(self):
        return float('inf')  # unknown: the observed rates decide

    def update(self) -> float:
        self.change *= self.ratio
        return self.change


def newton(its=3, ok=True):
    calls = []

    def solve():
        calls.append(1)
        return NewtonResult(ok, its, 2 if ok else -3, 1e-12)

    return solve, calls


def test_converges_below_breakdown():
    solve, calls = newton()
    res = fixed_point(solve, Contracting(0.3))
    assert res.converged and res.reason == 2
    assert res.iterations == 3 * len(calls)
    assert 5 < len(calls) < 40


def test_runaway_multiplication_is_breakdown():
    solve, calls = newton()
    res = fixed_point(solve, Contracting(0.9995))
    assert not res.converged and res.reason == -5
    assert len(calls) < 20  # recognised from the contraction ratio, not the round limit


def test_failed_newton_solve_is_returned_as_is():
    solve, calls = newton(ok=False)
    res = fixed_point(solve, Contracting(0.3))
    assert not res.converged and res.reason == -3 and len(calls) == 1


def test_a_vanishing_ionisation_integral_converges_at_once():
    """Round-off changes of the magnitudes (no contraction visible) with no field to ionise:
    the bound on the ionisation integral says the lag cannot matter."""
    from solver.numerics.newton import NewtonResult

    class NoField:
        calls = 0

        def ionisation_bound(self):
            return 0.0

        def update(self):
            NoField.calls += 1
            return 1e-5  # noise that never contracts

    res = fixed_point(lambda: NewtonResult(True, 2, 4, 0.0), NoField())
    assert res.converged and NoField.calls == 1
