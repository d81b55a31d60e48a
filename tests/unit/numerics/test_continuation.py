import pytest

from solver.numerics.continuation import (
    RETRY_AFTER,
    ContinuationStopped,
    StepControl,
    continue_to,
)
from solver.numerics.newton import NewtonResult


class Fake:
    """A 'solver' that fails for steps larger than max_ok or beyond a wall."""

    def __init__(self, max_ok=0.3, wall=None, iterations=3):
        self.state, self.max_ok, self.wall, self.calls = 0.0, max_ok, wall, []
        self.iterations = iterations

    def solve_at(self, v):
        self.calls.append(v)
        ok = abs(v - self.state) <= self.max_ok + 1e-12 and (self.wall is None or v < self.wall)
        if ok:
            self.state = v
        return NewtonResult(converged=ok, iterations=self.iterations, reason=4 if ok else -5,
                            max_update=0.0)

    def walk(self, targets, control):
        self.reached = []
        end = continue_to(targets, 0.0, self.solve_at, lambda: self.state,
                          lambda s: setattr(self, "state", s),
                          lambda v, r: self.reached.append((v, r)), control)
        return end, self.reached


def steps_of(calls):
    return [round(b - a, 12) for a, b in zip([0.0, *calls], calls)]


def test_reaches_targets_halving_steps():
    f = Fake(max_ok=0.12)
    end, reached = f.walk([0.5, 1.0], StepControl(first=0.5, largest=0.5, smallest=1e-3))
    assert end == pytest.approx(1.0)
    assert [v for v, _ in reached] == [0.5, 1.0]
    assert max(abs(s) for s in steps_of(f.calls)) > 0.12  # the first tries failed, were halved
    first = reached[0][1]
    assert first.iterations == 3 * (first.failed + first.steps)
    assert first.last_step == pytest.approx(0.0625)  # 0.5, 0.25, 0.125 failed, 0.0625 works
    # a failed size is retried only after RETRY_AFTER fast steps, not after every success
    failed = sum(r.failed for _, r in reached) - 3
    assert 0 < failed <= sum(r.steps for _, r in reached) / RETRY_AFTER


def test_fast_steps_grow_up_to_the_largest():
    f = Fake(max_ok=10.0)
    f.walk([10.0], StepControl(first=0.5, largest=4.0, smallest=1e-3))
    assert f.calls == pytest.approx([0.5, 1.5, 3.5, 7.5, 10.0])  # 0.5, 1, 2, 4, then the rest


def test_slow_steps_keep_their_size():
    f = Fake(max_ok=10.0, iterations=7)
    _, reached = f.walk([2.0], StepControl(first=0.5, largest=4.0, smallest=1e-3))
    assert steps_of(f.calls) == [0.5] * 4
    assert reached[0][1].steps == 4 and reached[0][1].last_step == pytest.approx(0.5)


def test_growth_continues_across_targets_and_stops_at_failures():
    f = Fake(max_ok=0.3)
    f.walk([0.1, 0.2, 1.0], StepControl(first=0.1, largest=1.0, smallest=1e-3))
    steps = steps_of(f.calls)
    assert steps[:2] == [0.1, 0.1]  # each target reached in one step
    assert max(steps) > 0.3  # grew until a step failed ...
    assert f.state == pytest.approx(1.0)  # ... and halved back to steps that work


def test_stops_below_min_step_and_keeps_points():
    f = Fake(max_ok=0.5, wall=0.75)
    with pytest.raises(ContinuationStopped) as exc:
        f.walk([0.5, 1.0], StepControl(first=0.5, largest=0.5, smallest=0.01))
    assert [v for v, _ in f.reached] == [0.5]
    assert exc.value.reached < 0.75
    msg = str(exc.value)
    assert "DIVERGED_MAX_IT" in msg and "last converged bias" in msg
