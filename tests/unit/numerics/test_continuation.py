import pytest

from solver.numerics.continuation import ContinuationStopped, continue_to
from solver.numerics.newton import NewtonResult


class Fake:
    """A 'solver' that fails for steps larger than max_ok or beyond a wall."""

    def __init__(self, max_ok=0.3, wall=None):
        self.state, self.max_ok, self.wall, self.calls = 0.0, max_ok, wall, []

    def solve_at(self, v):
        self.calls.append(v)
        ok = abs(v - self.state) <= self.max_ok + 1e-12 and (self.wall is None or v < self.wall)
        if ok:
            self.state = v
        return NewtonResult(converged=ok, iterations=3, reason=4 if ok else -5, max_update=0.0)


def test_reaches_targets_halving_steps():
    f = Fake(max_ok=0.12)
    reached = []
    end = continue_to([0.5, 1.0], 0.0, f.solve_at, lambda: f.state,
                      lambda s: setattr(f, "state", s), lambda v, it: reached.append(v),
                      max_step=0.5, min_step=1e-3)
    assert end == pytest.approx(1.0)
    assert reached == [0.5, 1.0]
    steps = [abs(b - a) for a, b in zip([0.0, *f.calls], f.calls)]
    assert max(steps) > 0.12  # the first tries failed, and were halved


def test_stops_below_min_step_and_keeps_points():
    f = Fake(max_ok=0.5, wall=0.75)
    reached = []
    with pytest.raises(ContinuationStopped) as exc:
        continue_to([0.5, 1.0], 0.0, f.solve_at, lambda: f.state,
                    lambda s: setattr(f, "state", s), lambda v, it: reached.append(v),
                    max_step=0.5, min_step=0.01)
    assert reached == [0.5]
    assert exc.value.reached < 0.75
    msg = str(exc.value)
    assert "DIVERGED_MAX_IT" in msg and "last converged" in msg
