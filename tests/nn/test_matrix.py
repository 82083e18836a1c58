"""The matrix path: every model and loss on a Tensor gives the scalar path's outputs and parameter gradients."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Tensor, Value
from nn.data import Dataset, make_blobs, make_moons
from nn.layers import MLP, Layer, Maxout, Neuron
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_hinge,
    l2_regularization,
    mse,
    multiclass_hinge,
    softmax_cross_entropy,
)
from nn.module import Module
from nn.normalization import BatchNorm
from nn.optim import SGD, Adam, RMSprop
from nn.parameter_home import HomedValue
from nn.sequential import Elementwise, Sequential
from nn.train import fit, matrix_capable

RNG = np.random.default_rng(7)
X = RNG.normal(size=(6, 3))


def _scalar_outputs(model: Module, rows: np.ndarray) -> list[Any]:
    batch = getattr(model, "forward_batch", None)
    return batch(rows.tolist()) if isinstance(model, Sequential | BatchNorm) else [model(list(r)) for r in rows]


def _numbers(outputs: list[Any]) -> np.ndarray:
    return np.array([[v.data for v in o] if isinstance(o, list) else o.data for o in outputs])


def _gradients(model: Module) -> np.ndarray:
    return np.array([p.grad for p in model.parameters()])


def _both_paths(model: Module, loss: Callable[..., Any], targets: Any, rows: np.ndarray = X) -> None:
    model.zero_grad()
    scalar_out = _scalar_outputs(model, rows)
    scalar_loss = loss(scalar_out, targets)
    scalar_loss.backward()
    scalar_grads = _gradients(model)
    model.zero_grad()
    matrix_out = model(Tensor(rows))
    assert isinstance(matrix_out, Tensor)
    np.testing.assert_allclose(matrix_out.data, _numbers(scalar_out).reshape(matrix_out.shape), rtol=1e-12, atol=1e-14)
    matrix_loss = loss(matrix_out, targets)
    assert isinstance(matrix_loss, Tensor)
    matrix_loss.backward()
    assert matrix_loss.item() == pytest.approx(scalar_loss.data, rel=1e-12)
    np.testing.assert_allclose(_gradients(model), scalar_grads, rtol=1e-10, atol=1e-13)


SIGNS = np.array([1, -1, 1, 1, -1, -1])
CLASSES = np.array([0, 2, 1, 1, 0, 2])


@pytest.mark.parametrize(
    "activation", ["relu", "tanh", "sigmoid", "identity", "leaky_relu", "elu", "gelu", "silu", "softplus"]
)
def test_mlp_with_every_activation(activation: str) -> None:
    _both_paths(MLP(3, [5, 4, 1], activation=activation, seed=1), binary_hinge, SIGNS)


@pytest.mark.parametrize(
    ("loss", "targets", "outputs"),
    [
        (mse, RNG.normal(size=6), 1),
        (lambda o, t: mse(o, t, "sum", half=True), RNG.normal(size=6), 1),
        (binary_hinge, SIGNS, 1),
        (binary_cross_entropy_with_logits, (SIGNS + 1) / 2, 1),
        (binary_cross_entropy_with_logits, np.array([0.2, 0.9, 0.5, 1.0, 0.0, 0.3]), 1),
        (softmax_cross_entropy, CLASSES, 3),
        (lambda o, t: softmax_cross_entropy(o, t, "sum"), np.eye(3)[CLASSES], 3),
        (multiclass_hinge, CLASSES, 3),
        (mse, RNG.normal(size=(6, 3)), 3),
    ],
)
def test_every_loss(loss: Callable[..., Any], targets: Any, outputs: int) -> None:
    _both_paths(MLP(3, [4, outputs], seed=2), loss, targets)


def test_binary_cross_entropy_on_probabilities() -> None:
    model = MLP(3, [4, 1], output_activation="sigmoid", seed=3)
    _both_paths(model, binary_cross_entropy, np.array([1.0, 0.0, 0.5, 1.0, 0.0, 0.25]))


@pytest.mark.parametrize(
    "model",
    [
        Neuron(3, activation="tanh", seed=0),
        Layer(3, 4, activation="sigmoid", seed=0),
        Maxout(3, 2, pieces=3, seed=0),
        Sequential(Layer(3, 4, activation=None, seed=0), BatchNorm(4), Elementwise("relu"), Layer(4, 1, seed=1)),
        Sequential(Maxout(3, 3, seed=0), Elementwise("tanh"), Layer(3, 2, activation=None, seed=1)),
    ],
    ids=["neuron", "layer", "maxout", "batchnorm", "maxout-sequential"],
)
def test_every_model(model: Module) -> None:
    _both_paths(model, lambda o, t: mse(o, t), np.zeros(np.size(_numbers(_scalar_outputs(model, X)))))


def test_batchnorm_in_eval_mode_and_its_running_statistics() -> None:
    scalar, matrix = BatchNorm(3), BatchNorm(3)
    scalar.forward_batch(X.tolist())
    matrix(Tensor(X))
    for (_, a), (_, b) in zip(scalar.named_buffers(), matrix.named_buffers(), strict=True):
        assert b.data == pytest.approx(a.data, rel=1e-12)
    scalar.eval()
    matrix.eval()
    _both_paths(matrix, lambda o, t: mse(o, t), np.ones((6, 3)))


def test_micrograds_data_loss_plus_a_scalar_penalty() -> None:
    model = MLP(3, [4, 1], seed=4)
    scalar = binary_hinge([model(list(r)) for r in X], SIGNS) + l2_regularization(model.parameters(), 1e-2)
    scalar.backward()
    want = _gradients(model)
    model.zero_grad()
    total = binary_hinge(model(Tensor(X)), SIGNS) + l2_regularization(model.parameters(), 1e-2)
    assert isinstance(total, Tensor)
    total.backward()
    np.testing.assert_allclose(_gradients(model), want, rtol=1e-10)


@pytest.mark.parametrize(
    ("loss", "targets"),
    [
        (binary_hinge, [1.0, 0.0, -1.0]),
        (binary_hinge, [1, -1, 2]),
        (binary_hinge, [-1.0, 0.5, 1.0]),
        (binary_hinge, [1.0, np.nan, 0.0]),
        (binary_hinge, [1.0, -1.0, -np.inf]),
        (binary_hinge, [1.0, -1.0]),
        (mse, [0.0, np.inf, 1.0]),
        (binary_cross_entropy_with_logits, [0.0, 2.0, 1.0]),
        (binary_cross_entropy, [1.0, 0.5, -0.5]),
    ],
)
def test_bad_targets_get_the_scalar_paths_message(loss: Callable[..., Any], targets: list[float]) -> None:
    scores = [0.5, -0.25, 2.0]
    with pytest.raises(ValueError) as scalar:
        loss([Value(s) for s in scores], targets)
    with pytest.raises(ValueError) as matrix:
        loss(Tensor(scores), np.array(targets))
    assert str(matrix.value) == str(scalar.value)


@pytest.mark.parametrize("loss", [softmax_cross_entropy, multiclass_hinge])
@pytest.mark.parametrize("targets", [[0, 3, 1], [0, -1, 2], [0.0, 1.5, 2.0], [True, False, True], [2, 0, 9]])
def test_bad_class_indices_get_the_scalar_paths_message(loss: Callable[..., Any], targets: list[Any]) -> None:
    scores = RNG.normal(size=(3, 3))
    with pytest.raises(ValueError) as scalar:
        loss([[Value(float(s)) for s in row] for row in scores], targets)
    with pytest.raises(ValueError) as matrix:
        loss(Tensor(scores), np.array(targets))
    assert str(matrix.value) == str(scalar.value)


def test_a_custom_activation_runs_on_the_tensor() -> None:
    _both_paths(MLP(3, [4, 1], activation=lambda v: v.tanh() * 2.0, seed=5), binary_hinge, SIGNS)
    broken = MLP(3, [4, 1], activation=lambda v: v.data, seed=5)
    with pytest.raises(TypeError, match=r"layers.0: the custom activation must map a Tensor to a Tensor"):
        broken(Tensor(X))


def test_a_wrong_batch_shape_names_the_model() -> None:
    with pytest.raises(ValueError, match=r"MLP: expected a Tensor of shape \(examples, 3\).*got \(6, 2\)"):
        MLP(3, [2], seed=0)(Tensor(np.ones((6, 2))))
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: target 1 must be a class index in \[0, 3\)"):
        softmax_cross_entropy(MLP(3, [3], seed=0)(Tensor(X)), [0, 5, 0, 0, 0, 0])
    with pytest.raises(ValueError, match=r"mse: 6 output value\(s\) but 5 target value\(s\)"):
        mse(MLP(3, [1], seed=0)(Tensor(X)), np.zeros(5))


def test_a_parameter_replaced_by_something_else_than_a_value_is_an_error_naming_it() -> None:
    layer, other, norm = Layer(3, 2, seed=0, name="layers.0"), Layer(3, 2, seed=0), BatchNorm(3)
    layer.neurons[1].w[2] = 0.5  # type: ignore[call-overload]  # the scalar path folds it in as a number
    other.neurons[0].b = "b"  # type: ignore[assignment]
    norm.gamma[1] = Tensor([1.0])  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"layers\.0\.W\[2, 1\] \(weight 2 of neuron 1\) is a float \(0\.5\), not a"):
        layer(Tensor(X))
    with pytest.raises(TypeError, match=r"^b\[0\] is a str \('b'\), not a Value"):
        other(Tensor(X))
    with pytest.raises(TypeError, match=r"^γ\[1\] is a Tensor"):
        norm(Tensor(X))
    layer.neurons[1].w = layer.neurons[1].w[:2]
    with pytest.raises(ValueError, match=r"layers\.0\.W: neuron 1 has 2 weights, neuron 0 has 3"):
        layer(Tensor(X))

def test_one_example_as_a_1d_tensor() -> None:
    model = MLP(3, [4, 2], seed=6)
    out = model(Tensor(X[0]))
    assert out.shape == (2,)
    np.testing.assert_allclose(out.data, [v.data for v in model(list(X[0]))], rtol=1e-13)
    assert isinstance(Value(1.0) + out, Tensor)


def _history(make: Callable[[], tuple[Module, Any, Any]], data: Any, matrix: bool, **options: Any) -> dict[str, Any]:
    model, loss, optimizer = make()
    history = fit(model, loss, optimizer(model.parameters()), data, quiet=True, matrix=matrix, **options)
    return {**history.as_dict(), "parameters": [p.data for p in model.parameters()]}


def _same_history(scalar: dict[str, Any], matrix: dict[str, Any]) -> None:
    assert scalar.keys() == matrix.keys()
    for key, want in scalar.items():
        if isinstance(want, list) and want and isinstance(want[0], float):
            # the biases before a BatchNorm have a true gradient of 0, so theirs is rounding noise on both paths
            atol = 1e-9 if key == "parameters" else 1e-12
            np.testing.assert_allclose(matrix[key], want, rtol=1e-9, atol=atol, err_msg=key)
        else:
            assert matrix[key] == want, key


OPTIMIZERS = {
    "sgd": lambda ps: SGD(ps, lr=0.05),
    # an optimizer that keeps what it reads: SGD's first momentum buffer is the gradient array itself, which the
    # parameter arrays must not clear in place afterwards (a bug this test caught: the README's run drifted)
    "momentum": lambda ps: SGD(ps, lr=0.05, momentum=0.9),
    "nesterov": lambda ps: SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "rmsprop": lambda ps: RMSprop(ps, lr=0.01, momentum=0.5),
    "adam": lambda ps: Adam(ps, lr=0.01, weight_decay=1e-3),
}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_fit_on_the_matrix_path_gives_the_scalar_history(optimizer: str) -> None:
    moons = make_moons(60, noise=0.1, seed=0)
    signed = Dataset(moons.X, 2 * moons.y - 1)

    def demo() -> tuple[Module, Any, Any]:
        return MLP(2, [8, 8, 1], seed=0), binary_hinge, OPTIMIZERS[optimizer]

    runs = [_history(demo, signed, m, epochs=3, batch_size=16, l2=1e-3, validation=signed) for m in (False, True)]
    _same_history(*runs)


def test_fit_with_softmax_adam_and_batchnorm_on_both_paths() -> None:
    blobs = make_blobs(48, centers=3, seed=1)

    def bn() -> tuple[Module, Any, Any]:
        model = Sequential(Layer(2, 6, activation=None, seed=0), BatchNorm(6), Elementwise("tanh"), Layer(6, 3, seed=1))
        return model, softmax_cross_entropy, lambda ps: Adam(ps, lr=0.01)

    runs = [_history(bn, blobs, m, epochs=2, batch_size=12, decide=lambda o: float(np.argmax([v.data for v in o])))
            for m in (False, True)]
    _same_history(*runs)


def test_fit_picks_the_matrix_path_for_nn_losses_only() -> None:
    model = MLP(2, [3, 1], seed=0)
    assert matrix_capable(model, binary_hinge) and matrix_capable(model, functools.partial(mse, half=True))
    assert not matrix_capable(model, lambda o, t: mse(o, t)) and not matrix_capable(lambda xs: xs, mse)
    with pytest.raises(TypeError, match="fit: matrix must be True, False or None, got 'yes'"):
        fit(model, mse, SGD(model.parameters(), lr=0.1), make_moons(10, seed=0), 1, matrix="yes")  # type: ignore[arg-type]


def test_fit_trains_from_the_layers_arrays_and_on_epoch_reads_and_changes_the_parameters() -> None:
    moons = make_moons(40, seed=0)
    signed = Dataset(moons.X, 2 * moons.y - 1)
    model = MLP(2, [4, 1], seed=0)
    seen: list[float] = []
    kinds: list[type] = []

    def on_epoch(history: Any) -> None:
        first = model.parameters()[0]
        kinds.append(type(first))
        seen.append(first.data)
        first.data = 0.5  # a change the next epoch must start from

    fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), signed, 2, 10, quiet=True, on_epoch=on_epoch)
    assert kinds == [HomedValue, HomedValue]  # the matrix path trained from the layers' arrays
    reference = MLP(2, [4, 1], seed=0)
    reference_seen: list[float] = []

    def reference_epoch(history: Any) -> None:
        first = reference.parameters()[0]
        reference_seen.append(first.data)
        first.data = 0.5

    fit(reference, binary_hinge, SGD(reference.parameters(), lr=0.1), signed, 2, 10, quiet=True,
        on_epoch=reference_epoch, matrix=False)
    np.testing.assert_allclose(seen, reference_seen, rtol=1e-12)
    np.testing.assert_allclose([p.data for p in model.parameters()], [p.data for p in reference.parameters()],
                               rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose([p.grad for p in model.parameters()], [p.grad for p in reference.parameters()],
                               rtol=1e-10, atol=1e-14)


def test_arrays_are_not_used_when_an_optimizer_holds_part_of_the_model_or_an_activation_is_custom() -> None:
    moons = make_moons(40, seed=0)
    signed = Dataset(moons.X, 2 * moons.y - 1)
    for model, part in ((MLP(2, [4, 1], seed=0), 5), (MLP(2, [4, 1], activation=lambda v: v.tanh(), seed=0), None)):
        parameters = model.parameters()[:part]
        scalar = MLP(2, [4, 1], activation=model.layers[0].neurons[0].activation, seed=0)
        fit(model, binary_hinge, SGD(parameters, lr=0.1), signed, 2, 10, quiet=True, l2=1e-2)
        fit(scalar, binary_hinge, SGD(scalar.parameters()[:part], lr=0.1), signed, 2, 10, quiet=True, l2=1e-2,
            matrix=False)
        np.testing.assert_allclose([p.data for p in model.parameters()], [p.data for p in scalar.parameters()],
                                   rtol=1e-10, atol=1e-14)


def test_forward_batch_of_a_tensor_is_one_matrix_call() -> None:
    model = MLP(3, [4, 2], seed=0)
    out = model.forward_batch(Tensor(X))  # type: ignore[arg-type]
    assert isinstance(out, Tensor) and out.shape == (6, 2)
