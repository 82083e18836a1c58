"""``BatchNorm``: normalise each feature over a minibatch, then scale and shift with learnable γ, β."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tensor, Value, sum_values
from autograd.value import Operand
from nn import matrix
from nn.checks import check_count, check_flag, check_real
from nn.layers import run_in_scope
from nn.module import Module, Sizer, child_name, numbered


class BatchNorm(Module):
    """Batch normalisation of ``n`` features (Ioffe & Szegedy), built from engine primitives.

    Training mode, for a minibatch of m ≥ 2 rows, each feature j:

        μ = (1/m) Σ_i x_i,   σ² = (1/m) Σ_i (x_i − μ)²,   x̂_i = (x_i − μ) / sqrt(σ² + ε),   y_i = γ·x̂_i + β

    and the running statistics move towards the batch's, as in PyTorch:
    ``running_mean ← (1 − momentum)·running_mean + momentum·μ`` and
    ``running_var ← (1 − momentum)·running_var + momentum·σ²·m/(m − 1)`` (the unbiased variance).
    Evaluation mode (``eval()``) uses the running statistics as constants instead of μ and σ².

    Parameters ``gamma.j`` (start 1) and ``beta.j`` (start 0); buffers ``running_mean.j`` (start 0)
    and ``running_var.j`` (start 1), saved with the model.

    >>> bn = BatchNorm(1)
    >>> [round(row[0].data, 4) for row in bn([[1.0], [3.0]])]
    [-1.0, 1.0]
    >>> round(bn.running_mean[0].data, 4), round(bn.running_var[0].data, 4)
    (0.2, 1.1)
    """

    min_training_rows = 2  # fit checks it before training: a batch of one row has no variance

    def __init__(
        self, n: int, eps: float = 1e-5, momentum: float = 0.1, *, scoped: bool = True, name: str = ""
    ) -> None:
        super().__init__(name)
        self.n = check_count(n, "n", "BatchNorm")
        self.eps = check_real(eps, "eps", "BatchNorm", low_open=True)
        self.momentum = check_real(momentum, "momentum", "BatchNorm", high=1.0)
        self.scoped = check_flag(scoped, "scoped", "BatchNorm")
        self.gamma = [Value(1.0, label=child_name(name, f"gamma.{j}")) for j in range(n)]
        self.beta = [Value(0.0, label=child_name(name, f"beta.{j}")) for j in range(n)]
        self.running_mean = [Value(0.0, label=child_name(name, f"running_mean.{j}")) for j in range(n)]
        self.running_var = [Value(1.0, label=child_name(name, f"running_var.{j}")) for j in range(n)]

    def local_parameters(self) -> list[tuple[str, Value]]:
        return [*numbered("gamma", self.gamma), *numbered("beta", self.beta)]

    def local_buffers(self) -> list[tuple[str, Value]]:
        return [*numbered("running_mean", self.running_mean), *numbered("running_var", self.running_var)]

    def arguments(self) -> dict[str, Any] | None:
        return {"n": self.n, "eps": self.eps, "momentum": self.momentum, "scoped": self.scoped}

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        return 4 * check_count(arguments.get("n"), "n", "BatchNorm")  # gamma, beta, running mean and variance

    def forward_batch(self, rows: list[Any]) -> list[Any]:
        """The whole batch at once: its statistics are the batch's."""
        return self(rows)

    def __call__(self, batch: Sequence[Sequence[Operand]]) -> list[list[Value]]:
        """The normalised batch: one output row per input row, each with ``n`` Values (a Tensor: ``forward_matrix``)."""
        if isinstance(batch, Tensor):
            return self.forward_matrix(batch)  # type: ignore[return-value]
        m = len(batch)
        for index, row in enumerate(batch):
            if len(row) != self.n:
                raise ValueError(f"{self.name or 'BatchNorm'}: row {index} has {len(row)} features, expected {self.n}")
        if self.training and m < self.min_training_rows:
            culprit = f"BatchNorm {self.name!r}" if self.name else "BatchNorm"
            raise ValueError(f"{culprit}: training needs at least 2 rows per batch (the variance of one is 0), got {m}")
        normalise = self._batch_feature if self.training else self._running_feature
        columns = run_in_scope(
            self, self.scoped, lambda rows: [normalise(j, [row[j] for row in rows]) for j in range(self.n)], batch
        )
        return [list(row) for row in zip(*columns, strict=True)]

    def forward_matrix(self, batch: Tensor) -> Tensor:
        """The normalised batch for a Tensor (rows × n), every feature at once, with the same formulas."""
        matrix.checked_batch(self, batch, self.n)
        if batch.ndim != 2 or (self.training and batch.shape[0] < 2):
            raise ValueError(f"{self.name or 'BatchNorm'}: training needs at least 2 rows per batch, got {batch.shape}")
        return matrix.scoped(self, self.scoped, self._matrix_normalised, batch)

    def _matrix_normalised(self, batch: Tensor) -> Tensor:
        prefix = f"{self.name}." if self.name else ""
        gamma = matrix.vector(self.gamma, f"{prefix}γ")
        beta = matrix.vector(self.beta, f"{prefix}β")
        if not self.training:
            running_mean = np.array([v.data for v in self.running_mean])
            running_inv_std = 1.0 / np.sqrt(np.array([v.data for v in self.running_var]) + self.eps)
            return gamma * ((batch - running_mean) * running_inv_std) + beta
        m = batch.shape[0]
        mean = batch.sum(axis=0) / m
        centred = batch - mean
        variance = (centred * centred).sum(axis=0) / m
        inv_std = (variance + self.eps) ** -0.5
        keep = 1.0 - self.momentum
        for j in range(self.n):
            self.running_mean[j].data = keep * self.running_mean[j].data + self.momentum * float(mean.data[j])
            self.running_var[j].data = keep * self.running_var[j].data + self.momentum * float(variance.data[j]) * m / (
                m - 1
            )
        return gamma * (centred * inv_std) + beta

    def _batch_feature(self, j: int, column: list[Operand]) -> list[Value]:
        m = len(column)
        mean = sum_values(column) / m
        centred = [x - mean for x in column]
        variance = sum_values([d * d for d in centred]) / m
        inv_std = (variance + self.eps) ** -0.5
        keep = 1.0 - self.momentum
        self.running_mean[j].data = keep * self.running_mean[j].data + self.momentum * mean.data
        self.running_var[j].data = keep * self.running_var[j].data + self.momentum * variance.data * m / (m - 1)
        return [self.gamma[j] * (d * inv_std) + self.beta[j] for d in centred]

    def _running_feature(self, j: int, column: list[Operand]) -> list[Value]:
        mean = self.running_mean[j].data
        inv_std = 1.0 / math.sqrt(self.running_var[j].data + self.eps)
        return [self.gamma[j] * ((x - mean) * inv_std) + self.beta[j] for x in column]

    def __repr__(self) -> str:
        return f"BatchNorm({self.n}, eps={self.eps}, momentum={self.momentum})"
