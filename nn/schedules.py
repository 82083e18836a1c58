"""Learning-rate schedules: each sets ``optimizer.lr`` from a closed-form rule of the epoch count.

Call ``step()`` once per epoch (``nn.train.fit`` does); the rate for epoch k is computed from the
base rate directly, so no rounding accumulates over many epochs.
"""

from __future__ import annotations

from nn.checks import check_count, check_real
from nn.optim import Optimizer


class LRSchedule:
    """Base: remembers the optimizer's starting rate and counts epochs; subclasses give ``factor(epoch)``."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: optimizer must be an nn.optim Optimizer (SGD, RMSprop, Adam), "
                f"got {type(optimizer).__name__}"
            )
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
        self.step_size = check_count(step_size, "step_size", "StepDecay")
        self.gamma = check_real(gamma, "gamma", "StepDecay", low_open=True)

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
        self.total = check_count(total, "total", "LinearDecay")
        self.end_factor = check_real(end_factor, "end_factor", "LinearDecay", high=1.0)

    def factor(self, epoch: int) -> float:
        return 1.0 - (1.0 - self.end_factor) * min(epoch, self.total) / self.total
