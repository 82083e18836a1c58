"""Optimizers: ``SGD``, ``RMSprop`` and ``Adam``, each updating ``Value.data`` from ``Value.grad``.

Each update rule is PyTorch's (the formulas from its documentation are in each class's
docstring; notation: θ parameter, g gradient, γ learning rate, λ weight decay, t the step
count starting at 1). Given the same gradients the parameters agree with PyTorch's to
rounding (the tests hold them to 1e-12).

How the course notes' forms map:

- the notes' momentum ``v = μ·v − lr·dx; x += v`` is ``SGD(lr, momentum=μ)`` (PyTorch's buffer is
  ``v/(−lr)``; the trajectories agree while lr is constant);
- "momentum" in the exponentially-weighted form ``V = βV + (1 − β)·dW; W −= α·V`` is
  ``SGD(α, momentum=β, dampening=β)``, except that PyTorch starts the buffer at the first
  gradient (V₁ = g₁) where that form starts at 0 (V₁ = (1 − β)·g₁);
- RMSprop's ``S = βS + (1 − β)·dW²; W −= α·dW/(√S + ε)`` is ``RMSprop(α, alpha=β)``;
- Adam's bias-corrected ``V̂ = V/(1 − β₁ᵗ)``, ``Ŝ = S/(1 − β₂ᵗ)`` is ``Adam(α, betas=(β₁, β₂))``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from autograd import Value
from nn.checks import check_flag, check_real
from nn.parameter_home import Gather, read_numbers


class ValueStore:
    """Where an optimizer reads and writes its parameters' numbers: whole slices of the arrays they live in, when
    they all live in their layers' arrays (``nn.parameter_home``: the matrix path), else the ``Value``s one by one.
    """

    def __init__(self, parameters: list[Value]) -> None:
        self.parameters = parameters

    def read(self) -> tuple[np.ndarray, np.ndarray]:
        """Every parameter's value and gradient, as arrays in parameter order."""
        return read_numbers(self.parameters)

    def write(self, theta: np.ndarray) -> None:
        """Each parameter's new value, from the array."""
        gather = Gather.of(self.parameters)
        if gather is not None:
            gather.write(theta)
            return
        for p, new in zip(self.parameters, theta.tolist(), strict=True):
            p.data = new

    def zero_grad(self) -> None:
        """Every parameter's gradient set to 0."""
        gather = Gather.of(self.parameters)
        if gather is not None:
            gather.zero_grad()
            return
        for p in self.parameters:
            p.grad = 0.0


class Optimizer:
    """Holds the parameters and the learning rate ``lr`` (which a schedule may change between steps).

    ``step()`` applies one update from the current ``.grad`` of every parameter; ``zero_grad()``
    clears the gradients (the engine accumulates leaf gradients across ``backward`` calls).
    ``steps`` counts the updates made so far (t in the formulas after the update).
    """

    def __init__(self, parameters: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        owner = type(self).__name__
        if not isinstance(parameters, Iterable):  # SGD(model): the model itself rather than its parameters
            hint = ": pass model.parameters()" if hasattr(parameters, "parameters") else ""
            raise TypeError(f"{owner}: parameters must be a list of Values, got {type(parameters).__name__}{hint}")
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{owner}: no parameters to optimize")
        seen: set[int] = set()
        for index, p in enumerate(self.parameters):
            if not isinstance(p, Value):
                raise TypeError(f"{owner}: parameter {index} must be a Value, got {type(p).__name__}")
            if id(p) in seen:
                raise ValueError(f"{owner}: parameter {index} ({p.label or 'unlabelled'}) is listed twice")
            seen.add(id(p))
        self.lr = check_real(lr, "lr", owner)
        self.weight_decay = check_real(weight_decay, "weight_decay", owner)
        self.steps = 0
        self.store = ValueStore(self.parameters)  # where the numbers are read and written

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0."""
        self.store.zero_grad()

    def step(self) -> None:
        """Apply one update from the current gradients."""
        self.steps += 1
        self._update()

    def _update(self) -> None:
        raise NotImplementedError

    def gradient(self, p: Value) -> float:
        """The gradient the rule uses: ∇θ + λθ with λ = ``weight_decay`` (L2 penalty λ/2·θ² folded in)."""
        return p.grad + self.weight_decay * p.data if self.weight_decay != 0.0 else p.grad

    # The rules run on arrays, element by element in the same order as the formulas (bit for bit what a loop
    # over the parameters gives; tests/nn/test_optim.py checks the rules): a few passes of numpy instead of a
    # dozen float operations per parameter, which made Adam 60% of digits' training step (cProfile).
    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """θ and the gradient the rule uses (``gradient``), as arrays in parameter order."""
        theta, g = self.store.read()
        return theta, (g + self.weight_decay * theta if self.weight_decay != 0.0 else g)

    def _write(self, theta: np.ndarray) -> None:
        """Each parameter's new value, from the array."""
        self.store.write(theta)


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay (PyTorch's).

    ::

        g ← ∇θ + λθ                       (if λ ≠ 0)
        b ← g                             (t = 1)      b ← μ·b + (1 − τ)·g     (t > 1)     (if μ ≠ 0)
        g ← g + μ·b  (nesterov)           g ← b        (otherwise)                         (if μ ≠ 0)
        θ ← θ − γ·g

    with μ = ``momentum``, τ = ``dampening``. Nesterov needs μ > 0 and τ = 0 (as in PyTorch).

    >>> w = Value(1.0); opt = SGD([w], lr=0.1)
    >>> w.grad = 2.0; opt.step(); round(w.data, 12)
    0.8
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.momentum = check_real(momentum, "momentum", "SGD")
        self.dampening = check_real(dampening, "dampening", "SGD", high=1.0)
        self.nesterov = check_flag(nesterov, "nesterov", "SGD")
        if self.nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening = 0")
        self.buffers = np.zeros(len(self.parameters))

    def _update(self) -> None:
        lr, mu, keep = self.lr, self.momentum, 1.0 - self.dampening
        theta, g = self._arrays()
        if mu != 0.0:
            b = g if self.steps == 1 else mu * self.buffers + keep * g
            self.buffers = b
            g = g + mu * b if self.nesterov else b
        self._write(theta - lr * g)


class RMSprop(Optimizer):
    """RMSprop (PyTorch's, not centered)::

        g ← ∇θ + λθ                        (if λ ≠ 0)
        v ← α·v + (1 − α)·g²               (v starts at 0)
        b ← μ·b + g / (√v + ε);  θ ← θ − γ·b          (if μ > 0; b starts at 0)
        θ ← θ − γ·g / (√v + ε)                         (otherwise)

    >>> w = Value(1.0); opt = RMSprop([w], lr=0.01)
    >>> w.grad = 2.0; opt.step(); round(w.data, 6)  # first step: g/√((1−α)g²) = 1/√0.01 = 10
    0.9
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.alpha = check_real(alpha, "alpha", "RMSprop", high=1.0)
        self.eps = check_real(eps, "eps", "RMSprop", low_open=True)  # eps = 0 divides by zero on a zero gradient
        self.momentum = check_real(momentum, "momentum", "RMSprop")
        self.square_avg = np.zeros(len(self.parameters))
        self.buffers = np.zeros(len(self.parameters))

    def _update(self) -> None:
        lr, alpha, eps, mu = self.lr, self.alpha, self.eps, self.momentum
        theta, g = self._arrays()
        v = alpha * self.square_avg + (1.0 - alpha) * (g * g)
        self.square_avg = v
        step = g / (np.sqrt(v) + eps)
        if mu > 0.0:
            step = mu * self.buffers + step
            self.buffers = step
        self._write(theta - lr * step)


class Adam(Optimizer):
    """Adam with bias correction (PyTorch's, without amsgrad)::

        g ← ∇θ + λθ                        (if λ ≠ 0)
        m ← β₁·m + (1 − β₁)·g              v ← β₂·v + (1 − β₂)·g²       (both start at 0)
        m̂ ← m / (1 − β₁ᵗ)                  v̂ ← v / (1 − β₂ᵗ)
        θ ← θ − γ·m̂ / (√v̂ + ε)

    >>> w = Value(1.0); opt = Adam([w], lr=0.1)
    >>> w.grad = 2.0; opt.step(); round(w.data, 6)  # the first step moves each parameter by about lr
    0.9
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        if isinstance(betas, str) or not isinstance(betas, Sequence):
            raise TypeError(f"Adam: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got {betas!r}")
        if len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair (beta1, beta2) such as (0.9, 0.999), got {betas!r}")
        self.beta1, self.beta2 = (check_real(b, f"betas[{i}]", "Adam", high=1.0) for i, b in enumerate(betas))
        if 1.0 in (self.beta1, self.beta2):
            raise ValueError(f"Adam: betas must be below 1 (the bias correction divides by 1 − βᵗ), got {betas!r}")
        self.eps = check_real(eps, "eps", "Adam", low_open=True)  # eps = 0 divides by zero on a zero gradient
        self.first_moment = np.zeros(len(self.parameters))
        self.second_moment = np.zeros(len(self.parameters))

    def _update(self) -> None:
        lr, beta1, beta2, eps = self.lr, self.beta1, self.beta2, self.eps
        correction1 = 1.0 - beta1**self.steps
        correction2 = 1.0 - beta2**self.steps
        theta, g = self._arrays()
        m = beta1 * self.first_moment + (1.0 - beta1) * g
        v = beta2 * self.second_moment + (1.0 - beta2) * (g * g)
        self.first_moment, self.second_moment = m, v
        self._write(theta - lr * (m / correction1) / (np.sqrt(v / correction2) + eps))
