"""fit and the moons recipe: stated accuracies with fixed seeds, bit-identical reruns, history, progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
import pytest

from autograd import Value
from nn.data import Dataset, make_spiral, make_xor, train_val_test_split
from nn.layers import MLP, Layer
from nn.losses import binary_cross_entropy, binary_hinge, mse, softmax_cross_entropy
from nn.normalization import BatchNorm
from nn.optim import SGD, Adam
from nn.recipes import train_moons
from nn.schedules import StepDecay
from nn.sequential import Elementwise, Sequential
from nn.train import History, evaluate, fit, label_decider


def test_moons_recipe_reaches_95_percent_validation_accuracy() -> None:
    run = train_moons(epochs=15)
    assert run.history.val_accuracy[-1] >= 0.95
    assert run.test_accuracy >= 0.95
    assert run.history.train_loss[-1] < run.history.train_loss[0] / 4
    assert run.history.iterations_per_epoch == 6  # 120 training examples in batches of 20
    assert run.history.iterations == 15 * 6


def test_spiral_reaches_90_percent_validation_accuracy_with_softmax_cross_entropy() -> None:
    data = make_spiral(50, classes=3, seed=0)
    parts = train_val_test_split(data, seed=0)
    model = MLP(2, [16, 16, 3], init="he", seed=0)
    history = fit(
        model, softmax_cross_entropy, Adam(model.parameters(), lr=0.02), parts.train, 40, 15,
        validation=parts.val, seed=0, quiet=True,
    )  # fmt: skip
    assert history.val_accuracy[-1] >= 0.90
    assert history.train_accuracy[-1] >= 0.90
    _, test_accuracy = evaluate(model, softmax_cross_entropy, parts.test)
    assert test_accuracy >= 0.85


def test_two_runs_with_the_same_seed_give_bit_identical_histories_and_weights() -> None:
    first, second = train_moons(epochs=4), train_moons(epochs=4)
    assert first.history.as_dict() == second.history.as_dict()
    assert first.model.state_dict() == second.model.state_dict()
    third = train_moons(epochs=4, seed=1)
    assert third.history.as_dict() != first.history.as_dict()


def test_history_records_every_epoch_and_the_learning_rate_used() -> None:
    model = MLP(2, [4, 1], seed=0)
    xor = make_xor(30, seed=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    seen: list[int] = []
    history = fit(
        model, binary_hinge, optimizer, Dataset(xor.X, 2 * xor.y - 1), 5, 8,
        validation=Dataset(xor.X[:10], 2 * xor.y[:10] - 1), schedule=StepDecay(optimizer, 2, 0.5), quiet=True,
        on_epoch=lambda h: seen.append(len(h.epochs)),
    )  # fmt: skip
    assert history.epochs == [1, 2, 3, 4, 5] and seen == [1, 2, 3, 4, 5]
    assert history.learning_rate == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert (history.examples, history.batch_size, history.iterations_per_epoch, history.iterations) == (30, 8, 4, 20)
    assert all(len(column) == 5 for column in (history.train_loss, history.train_accuracy, history.val_loss))
    assert history.describe_epoch(0).startswith("epoch   1  loss ")
    assert "val acc" in history.describe_epoch()


def test_train_loss_is_the_mean_over_the_epoch_and_val_loss_is_evaluated_without_a_graph() -> None:
    model = MLP(1, [1], seed=0)
    data = Dataset(np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 2.0, 3.0]))
    w, b = model.parameters()
    before = (w.data, b.data)
    history = fit(model, mse, SGD(model.parameters(), lr=0.0), data, 1, 2, validation=data, shuffle=False,
                  classify=False, quiet=True)  # fmt: skip
    assert (w.data, b.data) == before  # lr 0: nothing moves, so both losses are the same number
    expected = np.mean([(before[0] * x + before[1] - x) ** 2 for x in (1.0, 2.0, 3.0)])
    assert history.train_loss == [pytest.approx(expected, rel=1e-14)]
    assert history.val_loss == [pytest.approx(expected, rel=1e-14)]
    assert history.train_accuracy == [] and history.val_accuracy == []


def test_l2_penalty_shrinks_the_weights() -> None:
    xor = make_xor(40, seed=1)
    data = Dataset(xor.X, 2 * xor.y - 1)
    norms = []
    for l2 in (0.0, 5.0):
        model = MLP(2, [8, 1], seed=0)
        fit(model, binary_hinge, SGD(model.parameters(), lr=0.05), data, 10, 10, l2=l2, quiet=True)
        norms.append(sum(p.data**2 for p in model.parameters()))
    assert norms[1] < 0.5 * norms[0]


def test_label_decider_follows_the_target_convention() -> None:
    signed, binary = label_decider(np.array([-1, 1])), label_decider(np.array([0, 1]))
    assert signed(Value(0.3)) == 1.0 and signed(Value(-0.3)) == -1.0
    assert binary(Value(0.3)) == 1.0 and binary(Value(-0.3)) == 0.0
    assert binary([Value(0.1), Value(2.0), Value(-1.0)]) == 1.0


def test_custom_decide_for_probability_outputs() -> None:
    model = MLP(2, [8, 1], output_activation="sigmoid", seed=0)
    xor = make_xor(40, seed=2)
    history = fit(model, binary_cross_entropy, Adam(model.parameters(), lr=0.05), xor, 3, 10,
                  decide=lambda p: float(p.data > 0.5), quiet=True)  # type: ignore[union-attr]  # fmt: skip
    assert 0.0 <= history.train_accuracy[-1] <= 1.0


def test_evaluate_restores_the_training_mode() -> None:
    model = MLP(2, [3, 1], seed=0)
    xor = make_xor(10, seed=0)
    evaluate(model, binary_hinge, Dataset(xor.X, 2 * xor.y - 1))
    assert model.training
    model.eval()
    evaluate(model, binary_hinge, Dataset(xor.X, 2 * xor.y - 1))
    assert not model.training


def test_a_diverging_loss_stops_training_with_a_clear_error() -> None:
    model = MLP(1, [1], seed=0)
    data = Dataset(np.array([[1e200], [2e200]]), np.array([1.0, 2.0]))
    before = model.state_dict()
    with pytest.raises(FloatingPointError, match=r"fit: the loss on the training data is inf before any update"):
        fit(model, mse, SGD(model.parameters(), lr=0.1), data, 2, classify=False, quiet=True)
    assert model.state_dict() == before
    small = Dataset(np.array([[1.0], [2.0]]), np.array([1.0, 2.0]))
    with pytest.raises(FloatingPointError, match=r"fit: the loss is (inf|nan) at epoch \d+, iteration \d+ \(a smaller"):
        fit(model, mse, SGD(model.parameters(), lr=10.0), small, 1000, classify=False, quiet=True)


def test_bad_arguments_are_reported() -> None:
    model = MLP(2, [2, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    xor = make_xor(10, seed=0)
    with pytest.raises(ValueError, match="fit: batch_size must be at least 1, got 0"):
        fit(model, binary_hinge, optimizer, xor, 1, 0, quiet=True)
    with pytest.raises(TypeError, match=r"fit: batch_size must be an int, got float 2\.0"):
        fit(model, binary_hinge, optimizer, xor, 1, 2.0, quiet=True)
    with pytest.raises(TypeError, match="fit: epochs must be an int, got bool True"):
        fit(model, binary_hinge, optimizer, xor, True, quiet=True)
    with pytest.raises(ValueError, match="fit: epochs must be at least 0, got -1"):
        fit(model, binary_hinge, optimizer, xor, -1, quiet=True)
    with pytest.raises(ValueError, match="leaves no batch"):
        fit(model, binary_hinge, optimizer, xor, 1, 20, drop_last=True, quiet=True)
    with pytest.raises(ValueError, match="non-empty Dataset"):
        fit(model, binary_hinge, optimizer, Dataset(xor.X, xor.y[:3]), 1, quiet=True)


def test_progress_bar_shows_the_running_loss_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    model = MLP(2, [2, 1], seed=0)
    xor = make_xor(10, seed=0)
    fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), Dataset(xor.X, 2 * xor.y - 1), 2, 5)
    err = capsys.readouterr().err
    assert "loss=" in err and "4/4" in err


def test_training_works_without_tqdm(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` raise ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    model = MLP(2, [2, 1], seed=0)
    xor = make_xor(10, seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), Dataset(xor.X, 2 * xor.y - 1), 2, 5)
    assert isinstance(history, History) and history.iterations == 4
    assert capsys.readouterr().err == ""


def test_fit_pauses_the_cyclic_gc_and_restores_its_state_on_every_way_out() -> None:
    import gc

    model = MLP(2, [4, 1], seed=0)
    xor = make_xor(20, seed=0)
    data = Dataset(xor.X, 2 * xor.y - 1)
    seen: list[bool] = []

    def run(on_epoch: Callable[[History], None]) -> None:
        fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), data, 2, 10, quiet=True, on_epoch=on_epoch)

    assert gc.isenabled()
    run(lambda h: seen.append(gc.isenabled()))
    assert seen == [False, False] and gc.isenabled()

    def fail(history: History) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(fail)
    assert gc.isenabled()
    gc.disable()
    try:
        run(lambda h: None)
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def test_history_records_every_iteration() -> None:
    model = MLP(2, [4, 1], seed=0)
    xor = make_xor(25, seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), Dataset(xor.X, 2 * xor.y - 1), 3, 10,
                  quiet=True)  # fmt: skip
    assert len(history.batch_loss) == len(history.batch_accuracy) == history.iterations == 9
    # an epoch's mean is the example-weighted mean of its batches (10, 10 and 5 examples)
    first = history.batch_loss[:3]
    assert history.train_loss[0] == pytest.approx((10 * first[0] + 10 * first[1] + 5 * first[2]) / 25, rel=1e-12)


@pytest.mark.parametrize("per", ["epoch", "iteration"])
def test_history_plot_draws_loss_and_accuracy(per: str) -> None:
    pytest.importorskip("matplotlib")  # an optional extra; the dev extra installs it
    import matplotlib

    matplotlib.use("Agg")
    run = train_moons(epochs=3)
    figure = run.history.plot(per=per)
    loss_ax, accuracy_ax = figure.axes
    assert loss_ax.get_title() == f"loss per {per}" and accuracy_ax.get_title() == f"accuracy per {per}"
    labels = [line.get_label() for line in loss_ax.get_lines()]
    assert labels == (["train (batch)"] if per == "iteration" else []) + ["train", "validation"]
    assert list(loss_ax.get_lines()[-2].get_ydata()) == run.history.train_loss


def test_history_plot_without_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ModuleNotFoundError, match=r"History.plot needs matplotlib.*pip install 'gradtrace\[plot\]'"):
        train_moons(epochs=1).history.plot()
    with pytest.raises(ValueError, match="per must be one of"):
        train_moons(epochs=1).history.plot(per="batch")


def test_a_last_batch_of_one_row_with_a_batch_norm_is_refused_before_any_update() -> None:
    """Issue 20, item 5: fit updated the weights, then BatchNorm raised on the last batch, naming module '1'."""
    model = Sequential(Layer(2, 3, activation=None, seed=0), BatchNorm(3), Elementwise("relu"), Layer(3, 1, seed=1))
    data = make_xor(21, seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: BatchNorm '1' needs at least 2 rows per training batch, but the last "
                       r"batch of each epoch has 1 \(21 examples in batches of 10\): pass drop_last=True"):  # fmt: skip
        fit(model, mse, SGD(model.parameters(), lr=0.1), data, 2, 10, classify=False, quiet=True)
    assert model.state_dict() == before
    with pytest.raises(ValueError, match="fit: BatchNorm '1' needs at least 2 rows per batch, batch_size is 1"):
        fit(model, mse, SGD(model.parameters(), lr=0.1), data, 2, 1, classify=False, quiet=True)
    history = fit(model, mse, SGD(model.parameters(), lr=0.1), data, 2, 10, drop_last=True, classify=False, quiet=True)
    assert history.iterations == 4


def test_the_last_update_is_checked_as_the_others_are() -> None:
    """Issue 20, item 13: one update with lr=1e300 left weights of ~1e299 and a finite loss, and fit returned."""
    model = MLP(2, [4, 1], seed=0)
    data = make_xor(20, seed=0)
    with pytest.raises(FloatingPointError, match=r"fit: .* after the last update \(epoch 1, iteration 1\)"):
        fit(model, mse, SGD(model.parameters(), lr=1e300), data, 1, classify=False, quiet=True)
    healthy = MLP(2, [4, 1], seed=0)
    fit(healthy, mse, SGD(healthy.parameters(), lr=0.05), data, 3, 5, classify=False, quiet=True)  # no false alarm
