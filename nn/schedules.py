"""Learning-rate schedules: each sets ``optimizer.lr`` from a closed-form rule of the epoch count.

Call ``step()`` once per epoch (``nn.train.fit`` does); the rate for epoch k is computed from the
base rate directly, so no rounding accumulates over many epochs.
"""

from __future__ import annotations

import math

from nn.optim import Optimizer


class LRSchedule:
    """Base: remembers the optimizer's starting rate and counts epochs; subclasses give ``factor(epoch)``."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def factor(self, epoch: int) -> float:
        """The multiplier of the base rate after ``epoch`` epochs."""
        raise NotImplementedError

    def lr_at(self, epoch: int) -> float:
        """The learning rate after ``epoch`` epochs: base rate × ``factor(epoch)``."""
        return self.base_lr * self.factor(epoch)

    def step(self) -> float:
        """Advance one epoch and set the optimizer's rate; returns the new rate."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr


class StepDecay(LRSchedule):
    """lr = base · γ^⌊epoch / step_size⌋ (PyTorch's ``StepLR``; the notes' "reduce by half every 5 epochs").

    >>> from autograd import Value
    >>> from nn.optim import SGD
    >>> schedule = StepDecay(SGD([Value(0.0)], lr=1.0), step_size=2, gamma=0.5)
    >>> [schedule.step() for _ in range(5)]
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepDecay: step_size must be a positive int, got {step_size!r}")
        if not (gamma > 0.0 and math.isfinite(gamma)):
            raise ValueError(f"StepDecay: gamma must be positive and finite, got {gamma!r}")
        self.step_size = step_size
        self.gamma = float(gamma)

    def factor(self, epoch: int) -> float:
        return self.gamma ** (epoch // self.step_size)


class LinearDecay(LRSchedule):
    """lr = base · (1 − (1 − end_factor) · min(epoch, total) / total), then constant.

    micrograd's demo schedule ``1.0 − 0.9·k/100`` is ``LinearDecay(SGD(..., lr=1.0), total=100, end_factor=0.1)``.

    >>> from autograd import Value
    >>> from nn.optim import SGD
    >>> schedule = LinearDecay(SGD([Value(0.0)], lr=1.0), total=4, end_factor=0.2)
    >>> [round(schedule.step(), 10) for _ in range(5)]
    [0.8, 0.6, 0.4, 0.2, 0.2]
    """

    def __init__(self, optimizer: Optimizer, total: int, end_factor: float = 0.0) -> None:
        super().__init__(optimizer)
        if isinstance(total, bool) or not isinstance(total, int) or total < 1:
            raise ValueError(f"LinearDecay: total must be a positive int, got {total!r}")
        if not 0.0 <= end_factor <= 1.0:
            raise ValueError(f"LinearDecay: end_factor must be in [0, 1], got {end_factor!r}")
        self.total = total
        self.end_factor = float(end_factor)

    def factor(self, epoch: int) -> float:
        return 1.0 - (1.0 - self.end_factor) * min(epoch, self.total) / self.total
