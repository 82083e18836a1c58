"""A newcomer's usual mistakes: each error names the culprit and the fix, and comes before any weight changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Value
from nn import (
    MLP,
    SGD,
    Adam,
    BatchNorm,
    Dataset,
    Layer,
    LinearDecay,
    StepDecay,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_hinge,
    fit,
    l2_regularization,
    make_blobs,
    make_moons,
    minibatches,
    one_hot,
    softmax_cross_entropy,
)

MOONS = make_moons(30, seed=0)  # labels 0 / 1
SIGNED = Dataset(MOONS.X, 2 * MOONS.y - 1)
BLOBS = make_blobs(30, centers=3, seed=0)  # labels 0, 1, 2


def train(model: MLP, loss: Callable[..., Value], data: Any, **options: Any) -> None:
    """``fit`` for two epochs with SGD on ``model``, unless ``options`` replaces an argument."""
    arguments: dict[str, Any] = {
        "model": model, "loss": loss, "optimizer": SGD(model.parameters(), lr=0.1), "data": data, "epochs": 2,
        "batch_size": 10, "quiet": True,
    }  # fmt: skip
    arguments.update(options)
    fit(**arguments)


MISTAKES: list[tuple[str, Callable[[MLP], None], type[Exception], str]] = [
    ("hinge with 0/1 labels", lambda m: train(m, binary_hinge, MOONS), ValueError,
     r"binary_hinge: labels must be -1 or \+1, got 0 \(target \d+\); for 0/1 labels pass 2\*y - 1"),
    ("BCE on a linear output", lambda m: train(m, binary_cross_entropy, MOONS), ValueError,
     r"binary_cross_entropy: prediction \d+ is .*not a probability in \[0, 1\].*binary_cross_entropy_with_logits"),
    ("BCE with -1/+1 targets", lambda m: train(m, binary_cross_entropy_with_logits, SIGNED), ValueError,
     r"binary_cross_entropy_with_logits: target \d+ is -1.0, but targets are probabilities in \[0, 1\]"),
    ("1 output, 3 classes", lambda m: train(m, softmax_cross_entropy, BLOBS), ValueError,
     r"softmax_cross_entropy: got 30 single scores and 30 targets: each example has 1 score \(the model has 1 "
     r"output\) but this loss needs one score per class.*MLP\(nin, \[\.\.\., 3\]\)"),
    ("string labels", lambda m: train(m, binary_hinge, Dataset(MOONS.X, np.where(MOONS.y, "yes", "no"))),
     TypeError, r"fit: data.y: targets must be numbers, got '(yes|no)' \(target 0\); turn class names into indices"),
    ("l2 nan", lambda m: train(m, binary_hinge, SIGNED, l2=float("nan")), ValueError,
     "fit: l2 must be >= 0.0 and finite, got nan"),
    ("l2 inf", lambda m: train(m, binary_hinge, SIGNED, l2=float("inf")), ValueError, "fit: l2 must be >= 0.0"),
    ("l2 negative", lambda m: train(m, binary_hinge, SIGNED, l2=-1), ValueError, "fit: l2 must be >= 0.0"),
    ("l2 string", lambda m: train(m, binary_hinge, SIGNED, l2="0.1"), TypeError,
     "fit: l2 must be a number, got str '0.1'"),
    ("data None", lambda m: train(m, binary_hinge, None), TypeError,
     r"fit: data must be a Dataset\(X, y\), got NoneType"),
    ("optimizer None", lambda m: train(m, binary_hinge, SIGNED, optimizer=None), TypeError,
     r"fit: optimizer must be an nn.optim Optimizer, e.g. SGD\(model.parameters\(\), lr=0.1\), got NoneType"),
    ("bad validation", lambda m: train(m, binary_hinge, SIGNED, validation=Dataset(np.ones((4, 3)), np.ones(4))),
     ValueError, "fit: validation has 3 features per row, the training data 2"),
    ("validation None-ish", lambda m: train(m, binary_hinge, SIGNED, validation=[1, 2, 3]), TypeError,
     r"fit: validation must be a Dataset\(X, y\), got list"),
    ("another model's optimizer",
     lambda m: train(m, binary_hinge, SIGNED, optimizer=SGD(MLP(2, [4, 1], seed=1).parameters(), lr=0.1)),
     ValueError, "fit: the optimizer holds none of this model's parameters.*was it built for another model"),
    ("schedule of another optimizer",
     lambda m: train(m, binary_hinge, SIGNED, schedule=StepDecay(SGD([Value(0.0)], lr=0.1), 2)),
     ValueError, "fit: the schedule drives another optimizer"),
    # Issue 20, item 9: each of these raised a raw error after updates, or none at all
    ("on_epoch not a function", lambda m: train(m, binary_hinge, SIGNED, on_epoch=3), TypeError,
     r"fit: on_epoch must be a function on_epoch\(history\), got int 3"),
    ("decide not a function", lambda m: train(m, binary_hinge, SIGNED, decide="sign"), TypeError,
     r"fit: decide must be a function decide\(output\) -> label, got str 'sign'"),
    ("decide returns a str", lambda m: train(m, binary_hinge, SIGNED, decide=lambda output: "1"), TypeError,
     "decide must return a class label \\(a number\\), got str '1' for output 0"),
    ("model None", lambda m: fit(None, binary_hinge, SGD(m.parameters(), lr=0.1), SIGNED, 2), TypeError,  # type: ignore[arg-type]
     r"fit: model must be a model such as nn.MLP\(2, \[16, 1\]\) .*, got NoneType"),
    ("loss None", lambda m: train(m, None, SIGNED), TypeError,
     r"fit: loss must be a function loss\(outputs, targets\)"),
    ("loss returns a float", lambda m: train(m, lambda outputs, targets: 0.5, SIGNED), TypeError,
     r"loss must return a Value \(the graph backward\(\) runs through\), got float 0.5"),
    ("drop_last a str", lambda m: train(m, binary_hinge, SIGNED, drop_last="no"), TypeError,
     "fit: drop_last must be True or False, got str 'no'"),
    ("shuffle a str", lambda m: train(m, binary_hinge, SIGNED, shuffle="no"), TypeError,
     "fit: shuffle must be True or False, got str 'no'"),
    ("classify an int", lambda m: train(m, binary_hinge, SIGNED, classify=0), TypeError,
     "fit: classify must be True or False, got int 0"),
    ("quiet a str", lambda m: train(m, binary_hinge, SIGNED, quiet="yes"), TypeError,
     "fit: quiet must be True or False, got str 'yes'"),
    ("epochs a str", lambda m: train(m, binary_hinge, SIGNED, epochs="3"), TypeError,
     "fit: epochs must be an int, got str '3'"),
    ("seed a str", lambda m: train(m, binary_hinge, SIGNED, seed="0"), TypeError,
     "fit: seed must be an int, a numpy Generator or None, got str"),
    ("seed negative", lambda m: train(m, binary_hinge, SIGNED, seed=-1), ValueError,
     "fit: seed must be at least 0, got -1"),
    ("batch call", lambda m: m(MOONS.X[:10]), ValueError,
     r"MLP: got a batch of 10 rows, but a model takes one example \(a row of 2 numbers\) per call: "
     r"outputs = \[model\(row\) for row in X\]"),
]  # fmt: skip


@pytest.mark.parametrize(("make_mistake", "error", "message"), [c[1:] for c in MISTAKES], ids=[c[0] for c in MISTAKES])
def test_each_mistake_names_the_culprit_and_the_fix_and_changes_no_weight(
    make_mistake: Callable[[MLP], None], error: type[Exception], message: str
) -> None:
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        make_mistake(model)
    assert model.state_dict() == before


def test_binary_cross_entropy_refuses_a_prediction_or_target_outside_0_1() -> None:
    with pytest.raises(ValueError, match=r"prediction 0 is 1.5, not a probability"):
        binary_cross_entropy(Value(1.5), 1.0)
    with pytest.raises(ValueError, match=r"target 0 is 2.0, but targets are probabilities in \[0, 1\]"):
        binary_cross_entropy(Value(0.5), 2.0)
    with pytest.raises(ValueError, match="prediction 0 is nan"):
        binary_cross_entropy(Value(float("nan")), 1.0)
    assert binary_cross_entropy(Value(1.0), 1.0).data == 0.0  # the ends of [0, 1] are probabilities


def test_softmax_cross_entropy_accepts_one_hot_targets_and_says_one_hot_when_they_are_flattened() -> None:
    rows = [[Value(0.1 * (i + j)) for j in range(3)] for i in range(4)]
    labels = [2, 0, 1, 2]
    assert softmax_cross_entropy(rows, one_hot(labels, 3)).data == softmax_cross_entropy(rows, labels).data
    with pytest.raises(ValueError, match=r"4 example\(s\) but 12 target\(s\) \(one-hot targets must keep their rows"):
        softmax_cross_entropy(rows, one_hot(labels, 3).ravel())
    with pytest.raises(ValueError, match="2-D targets must be one-hot rows"):
        softmax_cross_entropy(rows, np.full((4, 3), 0.5))


def test_fit_trains_a_classifier_on_one_hot_targets() -> None:
    model = MLP(2, [8, 3], seed=0)
    data = Dataset(BLOBS.X, one_hot(BLOBS.y, 3))
    history = fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.05), data, 5, 10, quiet=True)
    assert history.train_accuracy[-1] > 0.5


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: MLP(2, [1], activation="nope"), ValueError, r"MLP: activation: unknown activation 'nope'; choose one"),
        (lambda: Layer(2, 1, activation="nope"), ValueError, "Layer: activation: unknown activation 'nope'"),
        (lambda: MLP(2, [1], output_activation=3), ValueError, "MLP: output_activation: unknown activation 3"),
        (lambda: StepDecay(None, 2), TypeError, "StepDecay: optimizer must be an nn.optim Optimizer"),
        (lambda: StepDecay(SGD([Value(0.0)], lr=1.0), 2, gamma="0.5"), TypeError, "StepDecay: gamma must be a number"),
        (lambda: LinearDecay(SGD([Value(0.0)], lr=1.0), 5, end_factor=None), TypeError,
         "LinearDecay: end_factor must be a number, got NoneType"),
        (lambda: BatchNorm(2, eps="1e-5"), TypeError, "BatchNorm: eps must be a number, got str"),
        (lambda: BatchNorm(2, eps=float("inf")), ValueError, "BatchNorm: eps must be > 0.0, got inf"),
        # issue 20, item 15: raw messages, a bare OverflowError, or silently accepted
        (lambda: SGD(MLP(2, [1]), lr=0.1), TypeError,
         r"SGD: parameters must be a list of Values, got MLP: pass model.parameters\(\)"),
        (lambda: SGD([Value(0.0)], lr=10**400), ValueError, r"SGD: lr must be >= 0.0 and finite, got 10{36}\.\.\.$"),
        (lambda: SGD([Value(0.0)], lr=0.1, momentum=0.9, nesterov="yes"), TypeError,
         "SGD: nesterov must be True or False, got str 'yes'"),
        (lambda: make_moons(noise=-1), ValueError, "make_moons: noise must be >= 0.0 and finite, got -1"),
        (lambda: make_moons(noise="0.1"), TypeError, "make_moons: noise must be a number, got str"),
        (lambda: l2_regularization([Value(1.0)], strength=-1), ValueError,
         "l2_regularization: strength must be >= 0.0 and finite, got -1"),
        (lambda: MLP(2, [1], name=3), TypeError, "MLP: name must be a str, got int 3"),
        (lambda: MLP(2, [1], fused="no"), TypeError, "MLP: fused must be True or False, got str 'no'"),
        (lambda: Layer(2, 1, scoped=1), TypeError, "Layer: scoped must be True or False, got int 1"),
        (lambda: BatchNorm(2, scoped="yes"), TypeError, "BatchNorm: scoped must be True or False, got str 'yes'"),
        (lambda: MLP(2, 3), TypeError, "MLP: nouts must be a list of layer sizes, got int"),
        (lambda: MLP(2, [1]).train("no"), TypeError, r"MLP\.train: mode must be True or False, got str 'no'"),
        (lambda: next(minibatches(MOONS, 5, drop_last="no")), TypeError,
         "minibatches: drop_last must be True or False, got str 'no'"),
    ],
    ids=["MLP activation", "Layer activation", "output activation", "schedule without optimizer", "gamma str",
         "end_factor None", "BatchNorm eps str", "BatchNorm eps inf", "SGD of a model", "lr 10**400",
         "nesterov str", "noise negative", "noise str", "l2 strength negative", "name int", "fused str",
         "scoped int", "BatchNorm scoped str", "nouts int", "train mode str", "minibatches drop_last str"],
)  # fmt: skip
def test_bad_construction_arguments_are_named(make: Callable[[], object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


def test_one_hot_of_no_labels_is_an_empty_matrix() -> None:
    assert one_hot([], 3).shape == (0, 3)
    assert one_hot(np.array([], dtype=np.int64), 2).shape == (0, 2)


FIT_ARGUMENTS = ["model", "loss", "optimizer", "data", "epochs", "batch_size", "validation", "shuffle", "seed",
                 "drop_last", "l2", "schedule", "classify", "decide", "quiet", "on_epoch", "matrix"]  # fmt: skip
ODD_VALUES = [None, "no", 3, -1, 1.5, float("nan"), [], lambda *_: 0, object(), True, np.int64(2), {}, (1, 2)]
ACCEPTED = {  # (argument, index in ODD_VALUES): values fit takes as they are
    *(("validation", 0), ("schedule", 0), ("decide", 0), ("on_epoch", 0), ("batch_size", 0), ("seed", 0)),
    *((name, i) for name in ("epochs", "batch_size", "seed") for i in (2, 10)),
    *(("l2", 2), ("l2", 4), ("l2", 10), ("decide", 7), ("on_epoch", 7)),
    *((name, 9) for name in ("shuffle", "drop_last", "classify", "quiet", "matrix")),
    ("matrix", 0),  # None: the matrix path when the model and loss can take it
}


@pytest.mark.parametrize("argument", FIT_ARGUMENTS)
def test_every_odd_fit_argument_is_named_before_any_update(argument: str) -> None:
    """Adversarial round for issue 20, item 9: each argument of fit given each odd value either works or raises an
    error naming fit or the argument, with no weight changed."""
    for index, value in enumerate(ODD_VALUES):
        if (argument, index) in ACCEPTED:
            continue
        model = MLP(2, [4, 1], seed=0)
        before = model.state_dict()
        arguments: dict[str, Any] = {
            "model": model, "loss": binary_hinge, "optimizer": SGD(model.parameters(), lr=0.1), "data": SIGNED,
            "epochs": 2, "batch_size": 10, "quiet": True, argument: value,
        }  # fmt: skip
        with pytest.raises((TypeError, ValueError)) as raised:
            fit(**arguments)
        assert str(raised.value).startswith("fit: ") or argument in str(raised.value), (argument, value, raised.value)
        assert model.state_dict() == before, (argument, value)
