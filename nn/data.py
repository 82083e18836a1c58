"""Toy datasets generated in code (seeded, no downloads) and the helpers around them.

Every generator returns a ``Dataset(X, y)``: ``X`` a float64 array of shape (n, features), ``y``
an int64 array of n class labels. Randomness comes only from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np

from nn.checks import check_count, check_flag, check_real
from nn.init import SeedLike, make_rng


class Dataset(NamedTuple):
    """Inputs ``X`` (n × features, float64) and targets ``y`` (n labels)."""

    X: np.ndarray
    y: np.ndarray


class Splits(NamedTuple):
    """A dataset cut into training, validation and test parts."""

    train: Dataset
    val: Dataset
    test: Dataset


def _shuffled(inputs: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> Dataset:
    order = rng.permutation(len(inputs))
    return Dataset(inputs[order], y[order])


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: SeedLike = None) -> Dataset:
    """Two interleaving half circles (as scikit-learn's ``make_moons``): labels 0 (upper) and 1 (lower).

    Upper moon: (cos s, sin s); lower: (1 − cos s, 1/2 − sin s), s evenly spaced in [0, π];
    then Gaussian noise of standard deviation ``noise``; examples in random order.

    >>> data = make_moons(10, seed=0); data.X.shape, sorted(set(data.y.tolist()))
    ((10, 2), [0, 1])
    """
    n = check_count(n_samples, "n_samples", "make_moons", 2)
    noise = check_real(noise, "noise", "make_moons")
    rng = make_rng(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    s_upper = np.linspace(0.0, math.pi, n_upper)
    s_lower = np.linspace(0.0, math.pi, n_lower)
    upper = np.column_stack([np.cos(s_upper), np.sin(s_upper)])
    lower = np.column_stack([1.0 - np.cos(s_lower), 0.5 - np.sin(s_lower)])
    inputs = np.concatenate([upper, lower])
    y = np.concatenate([np.zeros(n_upper, dtype=np.int64), np.ones(n_lower, dtype=np.int64)])
    inputs = inputs + rng.normal(0.0, noise, size=inputs.shape)
    return _shuffled(inputs, y, rng)


def make_circles(n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: SeedLike = None) -> Dataset:
    """A large circle (label 0, radius 1) around a smaller one (label 1, radius ``factor``), plus noise.

    >>> data = make_circles(8, noise=0.0, seed=0)
    >>> sorted(set(np.round(np.hypot(data.X[:, 0], data.X[:, 1]), 6).tolist()))
    [0.5, 1.0]
    """
    n = check_count(n_samples, "n_samples", "make_circles", 2)
    noise = check_real(noise, "noise", "make_circles")
    factor = check_real(factor, "factor", "make_circles", low_open=True, high=1.0, high_open=True)
    rng = make_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    angles_outer = np.linspace(0.0, 2.0 * math.pi, n_outer, endpoint=False)
    angles_inner = np.linspace(0.0, 2.0 * math.pi, n_inner, endpoint=False)
    inputs = np.concatenate(
        [
            np.column_stack([np.cos(angles_outer), np.sin(angles_outer)]),
            factor * np.column_stack([np.cos(angles_inner), np.sin(angles_inner)]),
        ]
    )
    y = np.concatenate([np.zeros(n_outer, dtype=np.int64), np.ones(n_inner, dtype=np.int64)])
    inputs = inputs + rng.normal(0.0, noise, size=inputs.shape)
    return _shuffled(inputs, y, rng)


def make_spiral(points_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: SeedLike = None) -> Dataset:
    """The cs231n spiral: for class k, radius r = linspace(0, 1) and angle t = linspace(4k, 4(k+1)) + noise·N(0, 1).

    Points are (r·sin t, r·cos t), grouped by class (in the notes' order, not shuffled).

    >>> data = make_spiral(5, classes=3, seed=0); data.X.shape, data.y.tolist()
    ((15, 2), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    """
    n = check_count(points_per_class, "points_per_class", "make_spiral", 2)
    noise = check_real(noise, "noise", "make_spiral")
    k = check_count(classes, "classes", "make_spiral", 2)
    rng = make_rng(seed)
    inputs = np.zeros((n * k, 2))
    y = np.zeros(n * k, dtype=np.int64)
    for label in range(k):
        rows = slice(n * label, n * (label + 1))
        radius = np.linspace(0.0, 1.0, n)
        angle = np.linspace(4.0 * label, 4.0 * (label + 1), n) + rng.standard_normal(n) * noise
        inputs[rows] = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
        y[rows] = label
    return Dataset(inputs, y)


def make_xor(n_samples: int = 100, noise: float = 0.0, seed: SeedLike = None) -> Dataset:
    """Points uniform in [−1, 1]², label 1 where exactly one coordinate is positive (XOR of the signs), then noise.

    >>> data = make_xor(6, seed=0); bool(np.all(data.y == ((data.X[:, 0] > 0) ^ (data.X[:, 1] > 0))))
    True
    """
    n = check_count(n_samples, "n_samples", "make_xor")
    noise = check_real(noise, "noise", "make_xor")
    rng = make_rng(seed)
    inputs = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = ((inputs[:, 0] > 0) ^ (inputs[:, 1] > 0)).astype(np.int64)
    return Dataset(inputs + rng.normal(0.0, noise, size=inputs.shape), y)


def make_blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 1.0,
    features: int = 2,
    seed: SeedLike = None,
) -> Dataset:
    """Gaussian blobs of standard deviation ``std`` around ``centers``: a count (drawn in [−10, 10]ᵈ) or the points.

    Examples go to the centres in turn (example i to centre i mod k), then are shuffled.

    >>> data = make_blobs(9, centers=[[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]], std=0.1, seed=0)
    >>> np.bincount(data.y).tolist()
    [3, 3, 3]
    """
    n = check_count(n_samples, "n_samples", "make_blobs")
    std = check_real(std, "std", "make_blobs")
    rng = make_rng(seed)
    if isinstance(centers, int | np.integer):
        k = check_count(centers, "centers", "make_blobs")
        points = rng.uniform(-10.0, 10.0, size=(k, check_count(features, "features", "make_blobs")))
    else:
        points = np.asarray(centers, dtype=np.float64)
        if points.ndim != 2 or len(points) == 0:
            raise ValueError(f"make_blobs: centers must be a count or a list of points, got shape {points.shape}")
    y = np.arange(n, dtype=np.int64) % len(points)
    inputs = points[y] + rng.normal(0.0, std, size=(n, points.shape[1]))
    return _shuffled(inputs, y, rng)


def train_val_test_split(
    data: Dataset, fractions: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: SeedLike = None
) -> Splits:
    """Shuffle ``data`` (seeded) and cut it into train / validation / test parts of the given fractions.

    Sizes: validation ⌊n·f_val⌋ rounded, test likewise, training the rest.

    >>> parts = train_val_test_split(make_moons(100, seed=0), seed=0)
    >>> [len(part.X) for part in parts]
    [60, 20, 20]
    """
    inputs, y = _check_dataset(data, "train_val_test_split")
    if len(fractions) != 3 or any(not 0.0 <= f <= 1.0 for f in fractions) or not math.isclose(sum(fractions), 1.0):
        raise ValueError(f"train_val_test_split: fractions must be 3 numbers in [0, 1] adding to 1, got {fractions!r}")
    n = len(inputs)
    n_val = round(n * fractions[1])
    n_test = round(n * fractions[2])
    order = make_rng(seed).permutation(n)
    val, test, train = order[:n_val], order[n_val : n_val + n_test], order[n_val + n_test :]
    return Splits(Dataset(inputs[train], y[train]), Dataset(inputs[val], y[val]), Dataset(inputs[test], y[test]))


def _check_dataset(data: Dataset | tuple[np.ndarray, np.ndarray], owner: str) -> Dataset:
    inputs, y = np.asarray(data[0], dtype=np.float64), np.asarray(data[1])
    if inputs.ndim != 2:
        raise ValueError(f"{owner}: X must be 2-D (examples × features), got shape {inputs.shape}")
    if len(inputs) != len(y):
        raise ValueError(f"{owner}: X has {len(inputs)} rows but y has {len(y)} entries")
    return Dataset(inputs, y)


class Standardiser:
    """Per-column standardisation (x − μ) / σ with μ and σ fitted on the training split only.

    A constant column (σ = 0) is only centred (σ is taken as 1), so it never divides by zero.

    >>> scaler = Standardiser().fit(np.array([[1.0, 10.0], [3.0, 10.0]]))
    >>> scaler.transform(np.array([[2.0, 11.0]])).tolist()
    [[0.0, 1.0]]
    """

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, inputs: np.ndarray) -> Standardiser:
        """Learn each column's mean and (population) standard deviation; returns self."""
        array = self._check(inputs, None)
        self.mean = array.mean(axis=0)
        std = array.std(axis=0)
        self.std = np.where(std > 0.0, std, 1.0)
        return self

    def transform(self, inputs: np.ndarray) -> np.ndarray:
        """(x − μ) / σ for each row x, with the fitted μ, σ."""
        if self.mean is None or self.std is None:
            raise ValueError("Standardiser: call fit() on the training inputs first")
        array = self._check(inputs, len(self.mean))
        result: np.ndarray = (array - self.mean) / self.std
        return result

    def fit_transform(self, inputs: np.ndarray) -> np.ndarray:
        """``fit(inputs)`` then ``transform(inputs)``."""
        return self.fit(inputs).transform(inputs)

    def transform_dataset(self, data: Dataset) -> Dataset:
        """The dataset with its inputs transformed and its targets unchanged."""
        return Dataset(self.transform(data.X), data.y)

    @staticmethod
    def _check(inputs: np.ndarray, columns: int | None) -> np.ndarray:
        array = np.asarray(inputs, dtype=np.float64)
        if array.ndim != 2 or len(array) == 0:
            raise ValueError(f"Standardiser: X must be a non-empty 2-D array, got shape {array.shape}")
        if columns is not None and array.shape[1] != columns:
            raise ValueError(f"Standardiser: fitted on {columns} columns, got {array.shape[1]}")
        bad = ~np.isfinite(array)
        if bad.any():
            row, column = (int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"Standardiser: X[{row}, {column}] is not finite (column {column})")
        return array


def minibatches(
    data: Dataset, batch_size: int, *, shuffle: bool = True, seed: SeedLike = None, drop_last: bool = False
) -> Iterator[Dataset]:
    """Yield ``Dataset`` batches of ``batch_size`` examples covering ``data`` once (one epoch).

    With ``shuffle`` the order is a permutation drawn from ``seed`` (pass one Generator to get a
    new order each epoch, reproducibly). The last batch is smaller unless ``drop_last``.

    >>> data = Dataset(np.arange(10.0).reshape(5, 2), np.arange(5))
    >>> [batch.y.tolist() for batch in minibatches(data, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    inputs, y = _check_dataset(data, "minibatches")
    size = check_count(batch_size, "batch_size", "minibatches")
    shuffle = check_flag(shuffle, "shuffle", "minibatches")
    drop_last = check_flag(drop_last, "drop_last", "minibatches")
    n = len(inputs)
    order = make_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % size if drop_last else n
    for start in range(0, stop, size):
        rows = order[start : start + size]
        yield Dataset(inputs[rows], y[rows])


def batches_per_epoch(examples: int, batch_size: int, drop_last: bool = False) -> int:
    """Iterations in one epoch: ⌈n / B⌉ (⌊n / B⌋ with ``drop_last``), e.g. 1000 examples in batches of 100 → 10.

    >>> batches_per_epoch(1000, 100), batches_per_epoch(1050, 100), batches_per_epoch(1050, 100, drop_last=True)
    (10, 11, 10)
    """
    return examples // batch_size if drop_last else -(-examples // batch_size)


def one_hot(labels: Sequence[int] | np.ndarray, classes: int) -> np.ndarray:
    """Rows of ``classes`` zeros with a 1 at each label.

    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    >>> one_hot([], 3).shape
    (0, 3)
    """
    array = np.asarray(labels)
    k = check_count(classes, "classes", "one_hot")
    if array.ndim == 1 and array.size == 0:  # np.asarray([]) is float64: no labels, no rows
        return np.zeros((0, k))
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"one_hot: labels must be a 1-D sequence of ints, got {array.dtype} of shape {array.shape}")
    outside = (array < 0) | (array >= k)
    if outside.any():
        index = int(np.argmax(outside))
        raise ValueError(f"one_hot: label {index} is {array[index]}, outside [0, {k})")
    result = np.zeros((array.size, k))
    result[np.arange(array.size), array] = 1.0
    return result


def accuracy(predicted: Sequence[float] | np.ndarray, labels: Sequence[float] | np.ndarray) -> float:
    """The fraction of predictions equal to their labels.

    >>> accuracy([1, 0, 1, 1], [1, 1, 1, 0])
    0.5
    """
    guesses, truth = np.asarray(predicted), np.asarray(labels)
    if guesses.shape != truth.shape:
        raise ValueError(f"accuracy: {guesses.shape} predictions but {truth.shape} labels")
    if guesses.size == 0:
        raise ValueError("accuracy: no predictions")
    return float(np.mean(guesses == truth))
