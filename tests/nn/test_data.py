"""Datasets (shapes, labels, geometry, seeding), splitting, standardising, minibatches, one-hot, accuracy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nn.data import (
    Dataset,
    Standardiser,
    accuracy,
    batches_per_epoch,
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
    minibatches,
    one_hot,
    train_val_test_split,
)

GENERATORS: dict[str, Callable[[int], Dataset]] = {
    "moons": lambda seed: make_moons(60, seed=seed),
    "circles": lambda seed: make_circles(60, seed=seed),
    "spiral": lambda seed: make_spiral(20, classes=3, seed=seed),
    "xor": lambda seed: make_xor(60, noise=0.05, seed=seed),
    "blobs": lambda seed: make_blobs(60, centers=3, seed=seed),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generators_are_seeded_typed_and_leave_global_state_alone(name: str) -> None:
    np.random.seed(0)
    before = np.random.get_state()[1].copy()  # type: ignore[index]
    make = GENERATORS[name]
    a, b, c = make(1), make(1), make(2)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert a.X.dtype == np.float64 and a.X.ndim == 2 and a.X.shape == (60, 2)
    assert a.y.dtype == np.int64 and a.y.shape == (60,)
    assert np.array_equal(np.random.get_state()[1], before)  # type: ignore[index]


def test_moons_without_noise_lie_on_the_two_half_circles() -> None:
    data = make_moons(50, noise=0.0, seed=0)
    upper, lower = data.X[data.y == 0], data.X[data.y == 1]
    assert len(upper) == 25 and len(lower) == 25
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_spiral_follows_the_notes_construction() -> None:
    data = make_spiral(50, classes=4, noise=0.0, seed=0)
    assert np.bincount(data.y).tolist() == [50] * 4
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    np.testing.assert_allclose(radius[:50], np.linspace(0, 1, 50), atol=1e-12)
    angle = np.arctan2(data.X[50:100, 0], data.X[50:100, 1])  # x = r sin t, y = r cos t
    expected = np.linspace(4.0, 8.0, 50)
    np.testing.assert_allclose(np.cos(angle[1:]), np.cos(expected[1:]), atol=1e-12)


def test_xor_labels_and_blob_centres() -> None:
    data = make_xor(200, seed=3)
    assert np.array_equal(data.y, ((data.X[:, 0] > 0) ^ (data.X[:, 1] > 0)).astype(np.int64))
    centres = np.array([[0.0, 0.0], [10.0, 0.0]])
    blobs = make_blobs(400, centers=centres, std=0.5, seed=0)
    for label in (0, 1):
        np.testing.assert_allclose(blobs.X[blobs.y == label].mean(axis=0), centres[label], atol=0.1)


def test_split_is_seeded_disjoint_complete_and_sized_60_20_20() -> None:
    data = Dataset(np.arange(200.0).reshape(100, 2), np.arange(100))
    parts = train_val_test_split(data, seed=4)
    assert [len(p.y) for p in parts] == [60, 20, 20]
    together = np.concatenate([p.y for p in parts])
    assert sorted(together.tolist()) == list(range(100))
    for part in parts:
        np.testing.assert_array_equal(part.X[:, 0], 2.0 * part.y)  # rows stay with their labels
    again = train_val_test_split(data, seed=4)
    assert all(np.array_equal(a.y, b.y) for a, b in zip(parts, again, strict=True))
    assert [len(p.y) for p in train_val_test_split(data, (0.8, 0.1, 0.1), seed=0)] == [80, 10, 10]
    with pytest.raises(ValueError, match="fractions must be 3 numbers"):
        train_val_test_split(data, (0.5, 0.2, 0.2))


def test_standardiser_uses_training_statistics_only() -> None:
    rng = np.random.default_rng(0)
    train, test = rng.normal(5.0, 3.0, size=(50, 2)), rng.normal(-5.0, 1.0, size=(10, 2))
    scaler = Standardiser().fit(train)
    scaled_train = scaler.transform(train)
    np.testing.assert_allclose(scaled_train.mean(axis=0), 0.0, atol=1e-14)
    np.testing.assert_allclose(scaled_train.std(axis=0), 1.0, rtol=1e-14)
    np.testing.assert_allclose(scaler.transform(test), (test - train.mean(axis=0)) / train.std(axis=0), rtol=1e-14)


def test_standardiser_errors_and_constant_columns() -> None:
    scaler = Standardiser()
    with pytest.raises(ValueError, match="call fit"):
        scaler.transform(np.zeros((2, 2)))
    assert scaler.fit_transform(np.array([[1.0, 3.0], [2.0, 3.0]]))[:, 1].tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="fitted on 2 columns, got 3"):
        scaler.transform(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"X\[1, 0\] is not finite \(column 0\)"):
        Standardiser().fit(np.array([[1.0, 2.0], [np.nan, 1.0]]))


def test_minibatches_cover_the_epoch_once_shuffled_by_seed() -> None:
    data = Dataset(np.arange(20.0).reshape(10, 2), np.arange(10))
    batches = list(minibatches(data, 3, seed=0))
    assert [len(b.y) for b in batches] == [3, 3, 3, 1]
    assert sorted(np.concatenate([b.y for b in batches]).tolist()) == list(range(10))
    assert np.concatenate([b.y for b in batches]).tolist() != list(range(10))
    same = list(minibatches(data, 3, seed=0))
    assert all(np.array_equal(a.y, b.y) for a, b in zip(batches, same, strict=True))
    assert [len(b.y) for b in minibatches(data, 3, drop_last=True, seed=0)] == [3, 3, 3]
    rng = np.random.default_rng(1)
    first, second = (np.concatenate([b.y for b in minibatches(data, 5, seed=rng)]) for _ in range(2))
    assert not np.array_equal(first, second)  # a shared Generator gives a new order each epoch
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        list(minibatches(data, 0))


def test_batches_per_epoch_counts_iterations_as_in_the_notes() -> None:
    assert batches_per_epoch(1000, 100) == 10
    assert batches_per_epoch(1001, 100) == 11
    assert batches_per_epoch(1001, 100, drop_last=True) == 10


def test_one_hot_and_accuracy() -> None:
    assert one_hot(np.array([1, 0, 2]), 3).tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
    with pytest.raises(ValueError, match=r"label 1 is 3, outside \[0, 3\)"):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="1-D sequence of ints"):
        one_hot([0.5], 3)
    assert accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4])) == 0.75
    with pytest.raises(ValueError, match="predictions but"):
        accuracy([1, 2], [1])
