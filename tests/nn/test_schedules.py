"""Learning-rate schedules: closed forms, micrograd's demo schedule, errors."""

from __future__ import annotations

import pytest

from autograd import Value
from nn.optim import SGD
from nn.schedules import LinearDecay, StepDecay


def test_step_decay_is_pytorch_steplr() -> None:
    optimizer = SGD([Value(0.0)], lr=0.3)
    schedule = StepDecay(optimizer, step_size=3, gamma=0.5)
    rates = [schedule.step() for _ in range(10)]
    assert rates == [0.3 * 0.5 ** (epoch // 3) for epoch in range(1, 11)]
    assert optimizer.lr == rates[-1]


def test_linear_decay_reproduces_micrograds_demo_schedule_exactly() -> None:
    optimizer = SGD([Value(0.0)], lr=1.0)
    schedule = LinearDecay(optimizer, total=100, end_factor=0.1)
    rates = [optimizer.lr]
    for _ in range(120):
        rates.append(schedule.step())
    assert rates[:101] == [1.0 - 0.9 * k / 100 for k in range(101)]
    assert rates[100:] == [pytest.approx(0.1, abs=1e-15)] * 21


def test_schedule_sets_the_rate_the_optimizer_uses() -> None:
    w = Value(1.0)
    optimizer = SGD([w], lr=1.0)
    StepDecay(optimizer, step_size=1, gamma=0.25).step()
    w.grad = 1.0
    optimizer.step()
    assert w.data == 0.75


def test_bad_schedule_settings_are_reported() -> None:
    optimizer = SGD([Value(0.0)], lr=1.0)
    with pytest.raises(ValueError, match="StepDecay: step_size must be at least 1, got 0"):
        StepDecay(optimizer, step_size=0)
    with pytest.raises(ValueError, match=r"StepDecay: gamma must be > 0\.0"):
        StepDecay(optimizer, step_size=2, gamma=-1.0)
    with pytest.raises(TypeError, match=r"LinearDecay: total must be an int, got float 2\.5"):
        LinearDecay(optimizer, total=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"LinearDecay: end_factor must be in \[0.0, 1.0\]"):
        LinearDecay(optimizer, total=10, end_factor=2.0)
