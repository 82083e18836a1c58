"""Complete training runs used by the demo and the notebooks, one function per worked example."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from nn.data import Dataset, Splits, Standardiser, make_moons, train_val_test_split
from nn.layers import MLP
from nn.losses import binary_hinge
from nn.optim import SGD
from nn.train import History, evaluate, fit


class TrainingRun(NamedTuple):
    """A trained model with its history, its (standardised) data splits and its test accuracy."""

    model: MLP
    history: History
    splits: Splits
    standardiser: Standardiser
    test_accuracy: float


def train_moons(
    *,
    samples: int = 200,
    noise: float = 0.1,
    epochs: int = 30,
    batch_size: int = 20,
    lr: float = 0.05,
    seed: int = 0,
    quiet: bool = True,
    on_epoch: Callable[[History], None] | None = None,
) -> TrainingRun:
    """Train micrograd's ``MLP(2, [16, 16, 1])`` on two moons with its max-margin loss; about a second.

    Labels are −1 / +1, inputs standardised on the training split, split 60/20/20, SGD with
    momentum 0.9 on minibatches. With the defaults the validation accuracy reaches 100%
    (the demo requires at least 95%). ``on_epoch`` receives the history after each epoch
    (the demo prints ``history.describe_epoch()``).
    """
    moons = make_moons(samples, noise=noise, seed=seed)
    labelled = Dataset(moons.X, 2 * moons.y - 1)
    raw = train_val_test_split(labelled, seed=seed)
    standardiser = Standardiser().fit(raw.train.X)
    splits = Splits(*(standardiser.transform_dataset(part) for part in raw))
    model = MLP(2, [16, 16, 1], seed=seed)
    optimizer = SGD(model.parameters(), lr=lr, momentum=0.9)
    history = fit(
        model,
        binary_hinge,
        optimizer,
        splits.train,
        epochs,
        batch_size,
        validation=splits.val,
        seed=seed,
        quiet=quiet,
        on_epoch=on_epoch,
    )
    _, test_accuracy = evaluate(model, binary_hinge, splits.test)
    return TrainingRun(model, history, splits, standardiser, test_accuracy)
