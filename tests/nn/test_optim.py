"""Optimizers against numpy hand computations of PyTorch's documented update rules, and on a small quadratic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from autograd import Value, sum_values
from nn.optim import SGD, Adam, Optimizer, RMSprop

THETA0 = np.array([0.5, -1.25, 2.0, 0.0])
GRADS = np.random.default_rng(0).normal(0.0, 2.0, size=(12, 4))


# ----------------------------------------------------------------- numpy references, from PyTorch's docs
def sgd_reference(theta: np.ndarray, grads: np.ndarray, lr: float, momentum: float = 0.0, dampening: float = 0.0,
                  nesterov: bool = False, weight_decay: float = 0.0) -> Iterator[np.ndarray]:  # fmt: skip
    buffer = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        if momentum:
            buffer = g.copy() if t == 1 else momentum * buffer + (1 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        theta = theta - lr * g
        yield theta


def rmsprop_reference(theta: np.ndarray, grads: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8,
                      momentum: float = 0.0, weight_decay: float = 0.0) -> Iterator[np.ndarray]:  # fmt: skip
    square_avg = np.zeros_like(theta)
    buffer = np.zeros_like(theta)
    for g in grads:
        g = g + weight_decay * theta
        square_avg = alpha * square_avg + (1 - alpha) * g**2
        if momentum > 0:
            buffer = momentum * buffer + g / (np.sqrt(square_avg) + eps)
            theta = theta - lr * buffer
        else:
            theta = theta - lr * g / (np.sqrt(square_avg) + eps)
        yield theta


def adam_reference(theta: np.ndarray, grads: np.ndarray, lr: float, betas: tuple[float, float] = (0.9, 0.999),
                   eps: float = 1e-8, weight_decay: float = 0.0) -> Iterator[np.ndarray]:  # fmt: skip
    beta1, beta2 = betas
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield theta


CASES: list[tuple[str, Callable[..., Optimizer], Callable[..., Iterator[np.ndarray]], dict[str, Any]]] = [
    ("sgd", SGD, sgd_reference, {"lr": 0.1}),
    ("sgd momentum", SGD, sgd_reference, {"lr": 0.05, "momentum": 0.9}),
    ("sgd dampening", SGD, sgd_reference, {"lr": 0.05, "momentum": 0.9, "dampening": 0.9}),
    ("sgd nesterov", SGD, sgd_reference, {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("sgd weight decay", SGD, sgd_reference, {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.01}),
    ("rmsprop", RMSprop, rmsprop_reference, {"lr": 0.01}),
    ("rmsprop momentum", RMSprop, rmsprop_reference, {"lr": 0.01, "alpha": 0.9, "momentum": 0.7}),
    ("rmsprop weight decay", RMSprop, rmsprop_reference, {"lr": 0.01, "eps": 1e-6, "weight_decay": 0.1}),
    ("adam", Adam, adam_reference, {"lr": 0.01}),
    ("adam betas", Adam, adam_reference, {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("adam weight decay", Adam, adam_reference, {"lr": 0.01, "weight_decay": 0.05}),
]


@pytest.mark.parametrize(("make", "reference", "options"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_update_matches_pytorch_formula_given_the_same_gradients(
    make: Callable[..., Optimizer], reference: Callable[..., Iterator[np.ndarray]], options: dict[str, Any]
) -> None:
    params = [Value(float(v)) for v in THETA0]
    optimizer = make(params, **options)
    for step, expected in enumerate(reference(THETA0, GRADS, **options), start=1):
        for p, g in zip(params, GRADS[step - 1], strict=True):
            p.grad = float(g)
        optimizer.step()
        np.testing.assert_allclose([p.data for p in params], expected, rtol=0, atol=1e-12, err_msg=f"step {step}")
    assert optimizer.steps == len(GRADS)


# ----------------------------------------------------------------- trajectories on f(θ) = ½ Σ a_i θ_i² − b_i θ_i
A = np.array([1.0, 4.0, 0.5])
B = np.array([1.0, -2.0, 0.5])
MINIMUM = B / A


def quadratic(params: list[Value]) -> Value:
    return sum_values([0.5 * a * p * p - b * p for p, a, b in zip(params, A, B, strict=True)])


def trajectory(make: Callable[..., Optimizer], steps: int, **options: Any) -> np.ndarray:
    params = [Value(0.0) for _ in A]
    optimizer = make(params, **options)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        quadratic(params).backward()
        optimizer.step()
        path.append([p.data for p in params])
    return np.array(path)


def reference_trajectory(reference: Callable[..., Iterator[np.ndarray]], steps: int, **options: Any) -> np.ndarray:
    """The reference rule fed the gradient Aθ − b of its own latest iterate (the generators run in lockstep)."""
    iterates = [np.zeros_like(A)]

    def gradients() -> Iterator[np.ndarray]:
        for _ in range(steps):
            yield A * iterates[-1] - B

    for theta in reference(iterates[0], gradients(), **options):
        iterates.append(theta)  # the next gradient is read from this iterate
    return np.array(iterates[1:])


@pytest.mark.parametrize(
    ("make", "reference", "options", "steps"),
    [
        (SGD, sgd_reference, {"lr": 0.2}, 100),
        (SGD, sgd_reference, {"lr": 0.05, "momentum": 0.9}, 200),
        (SGD, sgd_reference, {"lr": 0.05, "momentum": 0.9, "nesterov": True}, 200),
        (RMSprop, rmsprop_reference, {"lr": 0.01, "alpha": 0.9}, 400),
        (Adam, adam_reference, {"lr": 0.05}, 600),
    ],
    ids=["sgd", "momentum", "nesterov", "rmsprop", "adam"],
)
def test_trajectory_on_a_quadratic_follows_the_reference_and_reaches_the_minimum(
    make: Callable[..., Optimizer], reference: Callable[..., Iterator[np.ndarray]], options: dict[str, Any], steps: int
) -> None:
    ours = trajectory(make, steps, **options)
    np.testing.assert_allclose(ours, reference_trajectory(reference, steps, **options), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours[-1], MINIMUM, atol=0.02)
    assert np.linalg.norm(ours[-1] - MINIMUM) < 0.1 * np.linalg.norm(ours[0] - MINIMUM)


def test_plain_sgd_on_the_quadratic_is_the_closed_form_geometric_decay() -> None:
    """θ_t − θ* = (1 − lr·a)^t (θ_0 − θ*) for gradient descent on ½aθ² − bθ."""
    lr, steps = 0.2, 30
    ours = trajectory(SGD, steps, lr=lr)
    t = np.arange(1, steps + 1)[:, None]
    np.testing.assert_allclose(ours, MINIMUM + (1 - lr * A) ** t * (0.0 - MINIMUM), rtol=0, atol=1e-13)


def test_course_notes_momentum_form_is_sgd_with_momentum() -> None:
    """v = μv − lr·dx; x += v (cs231n) gives the same trajectory as SGD(lr, momentum=μ)."""
    lr, mu, steps = 0.05, 0.9, 50
    x = np.zeros_like(A)
    v = np.zeros_like(A)
    notes = []
    for _ in range(steps):
        v = mu * v - lr * (A * x - B)
        x = x + v
        notes.append(x)
    np.testing.assert_allclose(trajectory(SGD, steps, lr=lr, momentum=mu), notes, rtol=0, atol=1e-12)


def test_exponentially_weighted_momentum_is_dampening_beta_after_the_first_step() -> None:
    """V = βV + (1 − β)g (V₀ = 0) versus PyTorch's buffer with dampening β (b₁ = g₁): b_t − V_t = β^(t−1)·β·g₁."""
    beta, lr = 0.9, 0.1
    p = Value(0.0)
    optimizer = SGD([p], lr=lr, momentum=beta, dampening=beta)
    grads = [1.0, 0.5, -0.25, 2.0]
    velocity = 0.0
    for t, g in enumerate(grads, start=1):
        p.grad = g
        optimizer.step()
        velocity = beta * velocity + (1 - beta) * g
        assert optimizer.buffers[0] - velocity == pytest.approx(beta**t * grads[0], abs=1e-15)


def test_zero_grad_clears_every_gradient_and_lr_can_change_between_steps() -> None:
    params = [Value(1.0), Value(2.0)]
    optimizer = SGD(params, lr=0.5)
    for p in params:
        p.grad = 3.0
    optimizer.zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]
    params[0].grad = 1.0
    optimizer.lr = 0.25
    optimizer.step()
    assert params[0].data == 0.75


def test_bad_settings_are_reported() -> None:
    with pytest.raises(ValueError, match="SGD: no parameters"):
        SGD([], lr=0.1)
    p = Value(1.0, label="w")
    with pytest.raises(ValueError, match=r"Adam: parameter 1 \(w\) is listed twice"):
        Adam([p, p])
    with pytest.raises(TypeError, match="RMSprop: parameter 0 must be a Value, got float"):
        RMSprop([1.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"SGD: lr must be >= 0\.0 and finite, got -0\.1"):
        SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match="nesterov momentum needs momentum > 0 and dampening = 0"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"SGD: dampening must be in \[0.0, 1.0\]"):
        SGD([p], lr=0.1, momentum=0.9, dampening=2.0)
    with pytest.raises(ValueError, match="betas must be below 1"):
        Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="betas must be a pair"):
        Adam([p], betas=(0.9,))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"RMSprop: eps must be > 0\.0, got nan"):
        RMSprop([p], eps=float("nan"))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: SGD(p, lr="0.1"), TypeError, "SGD: lr must be a number, got str '0.1'"),
        (lambda p: SGD(p, lr=True), TypeError, "SGD: lr must be a number, got bool True"),
        (lambda p: SGD(p, lr=None), TypeError, "SGD: lr must be a number, got NoneType None"),
        (lambda p: SGD(p, lr=float("inf")), ValueError, "SGD: lr must be >= 0.0 and finite, got inf"),
        (lambda p: Adam(p, betas=0.9), TypeError, r"Adam: betas must be a pair \(beta1, beta2\)"),
        (lambda p: Adam(p, eps=0), ValueError, r"Adam: eps must be > 0\.0, got 0"),
        (lambda p: RMSprop(p, eps=0.0), ValueError, r"RMSprop: eps must be > 0\.0, got 0\.0"),
        (lambda p: SGD(p, lr=0.1, momentum="0.9"), TypeError, "SGD: momentum must be a number, got str"),
    ],
    ids=["lr str", "lr bool", "lr None", "lr inf", "betas scalar", "Adam eps 0", "RMSprop eps 0", "momentum str"],
)
def test_optimizer_arguments_of_the_wrong_type_or_range_are_refused(
    make: Callable[[list[Value]], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make([Value(1.0)])


def test_a_dead_relu_zero_gradient_steps_by_zero_with_the_default_eps() -> None:
    w = Value(0.5)
    for optimizer in (Adam([w], lr=0.1), RMSprop([w], lr=0.1)):
        w.grad = 0.0
        optimizer.step()
        assert w.data == 0.5


@pytest.mark.parametrize(("make", "options"), [(case[1], case[3]) for case in CASES], ids=[c[0] for c in CASES])
def test_matches_torch_when_installed(make: Callable[..., Optimizer], options: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    torch_class = {SGD: torch.optim.SGD, RMSprop: torch.optim.RMSprop, Adam: torch.optim.Adam}[make]
    theta = torch.tensor(THETA0.copy(), dtype=torch.float64, requires_grad=True)
    theirs = torch_class([theta], **options)
    params = [Value(float(v)) for v in THETA0]
    ours = make(params, **options)
    for g in GRADS:
        theta.grad = torch.tensor(g, dtype=torch.float64)
        theirs.step()
        for p, gi in zip(params, g, strict=True):
            p.grad = float(gi)
        ours.step()
        np.testing.assert_allclose([p.data for p in params], theta.detach().numpy(), rtol=0, atol=1e-12)
