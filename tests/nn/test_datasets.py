"""``load_digits`` (the optional ``datasets`` extra) and the digits trained on the matrix path."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from autograd import Tensor
from nn import MLP, Adam, MissingExtraError, fit, load_digits, softmax_cross_entropy, train_val_test_split


def test_without_scikit_learn_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(MissingExtraError, match=r"needs scikit-learn, from gradtrace's optional 'datasets' extra"):
        load_digits()


def test_digits_train_to_95_percent_on_the_matrix_path() -> None:
    pytest.importorskip("sklearn")
    digits = load_digits()
    assert digits.X.shape == (1797, 64) and set(digits.y.tolist()) == set(range(10))
    assert digits.X.min() >= 0.0 and digits.X.max() == 1.0
    train, _, test = train_val_test_split(digits, (0.8, 0.0, 0.2), seed=0)
    model = MLP(64, [32, 10], seed=0)
    history = fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.01), train, epochs=10, batch_size=32,
                  quiet=True)
    assert history.train_loss[-1] < history.train_loss[0]
    predicted = np.argmax(model(Tensor(test.X)).data, axis=1)
    assert np.mean(predicted == test.y) >= 0.95
