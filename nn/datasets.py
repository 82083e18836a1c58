"""Real datasets, from optional libraries: ``load_digits`` (scikit-learn's 8×8 handwritten digits).

These need the ``datasets`` extra (``pip install 'gradtrace[datasets]'``, which brings scikit-learn);
without it, the loader says so by name instead of failing on an import deep inside.
"""

from __future__ import annotations

import numpy as np

from nn.data import Dataset


class MissingExtraError(ImportError):
    """An optional library a function needs is not installed; the message names the extra to install."""


def load_digits(scaled: bool = True) -> Dataset:
    """The 1,797 8×8 images of handwritten digits (UCI, as shipped with scikit-learn): X (1797 × 64), y in 0…9.

    Pixels are 0…16 (ink per cell); ``scaled=True`` divides them by 16, into [0, 1].

    >>> digits = load_digits()                              # doctest: +SKIP
    >>> digits.X.shape, digits.y[:5].tolist()               # doctest: +SKIP
    ((1797, 64), [0, 1, 2, 3, 4])
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise MissingExtraError(
            "nn.load_digits needs scikit-learn, from gradtrace's optional 'datasets' extra: "
            "pip install 'gradtrace[datasets]' (or pip install scikit-learn)"
        ) from None
    bunch = sklearn_digits()
    inputs = np.asarray(bunch.data, dtype=np.float64)
    return Dataset(inputs / 16.0 if scaled else inputs, np.asarray(bunch.target, dtype=np.int64))
