"""Seeded weight initialisers: every draw comes from a ``numpy.random.Generator`` the model owns.

A model built with ``seed=`` draws its weights from ``numpy.random.default_rng(seed)`` in a fixed
order (layer by layer, neuron by neuron, weight by weight), so the same seed gives the same
weights on every machine; the global ``random`` / ``numpy.random`` state is never read or changed.

Schemes (n_in is the neuron's fan-in):

- ``"uniform"``: w ~ U(−1, 1), as micrograd;
- ``"lecun"`` (alias ``"xavier"``): w ~ N(0, 1/n_in), the course notes' "calibrating the variances"
  rule ``w = randn(n) / sqrt(n)``, which keeps Var(w·x) ≈ Var(x);
- ``"he"``: w ~ N(0, 2/n_in), ``w = randn(n) * sqrt(2/n)``, the same rule corrected for ReLU
  halving the variance.

Biases start at 0 in every scheme (as micrograd and the notes).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Initialiser = Callable[[np.random.Generator, int], list[float]]
"""An initialiser maps (generator, fan-in) to the fan-in's worth of weights for one neuron."""

SeedLike = int | np.random.Generator | None
"""A seed: an int, a Generator to draw from (shared, so draws continue where they left off), or None (fresh entropy)."""


def make_rng(seed: SeedLike) -> np.random.Generator:
    """The Generator for ``seed``: a Generator is used as is (so a model's layers share one stream).

    >>> bool(make_rng(0).integers(100) == make_rng(0).integers(100))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")
    if seed is not None and seed < 0:  # numpy's own message ("expected non-negative integer") names no argument
        raise ValueError(f"seed must be at least 0, got {seed}")
    return np.random.default_rng(seed)


def uniform(rng: np.random.Generator, fan_in: int) -> list[float]:
    """w ~ U(−1, 1), micrograd's initialisation.

    >>> ws = uniform(np.random.default_rng(0), 3); len(ws), all(-1 <= w < 1 for w in ws)
    (3, True)
    """
    return [float(w) for w in rng.uniform(-1.0, 1.0, size=fan_in)]


def lecun_normal(rng: np.random.Generator, fan_in: int) -> list[float]:
    """w ~ N(0, 1/n_in) (LeCun, and the course notes' Xavier form ``randn(n) / sqrt(n)``)."""
    return _scaled_normal(rng, fan_in, 1.0)


def he_normal(rng: np.random.Generator, fan_in: int) -> list[float]:
    """w ~ N(0, 2/n_in) (He et al., for ReLU networks)."""
    return _scaled_normal(rng, fan_in, 2.0)


def _scaled_normal(rng: np.random.Generator, fan_in: int, gain: float) -> list[float]:
    std = math.sqrt(gain / fan_in)
    return [float(w) * std for w in rng.standard_normal(fan_in)]


INITIALISERS: dict[str, Initialiser] = {
    "uniform": uniform,
    "lecun": lecun_normal,
    "xavier": lecun_normal,
    "he": he_normal,
}


def resolve_initialiser(init: str | Initialiser) -> Initialiser:
    """The initialiser named ``init`` (a key of ``INITIALISERS``), or ``init`` itself if callable."""
    if callable(init):
        return init
    try:
        return INITIALISERS[init]
    except (KeyError, TypeError):
        raise ValueError(f"unknown init {init!r}; choose one of {sorted(INITIALISERS)} or pass a function") from None
