"""Sequential: modules in turn over a batch, BatchNorm between layers, unique names, training with fit."""

from __future__ import annotations

import pytest

from autograd import Value
from nn import SGD, BatchNorm, Dataset, Elementwise, Layer, Sequential, binary_hinge, fit, make_moons


def network() -> Sequential:
    return Sequential(
        Layer(2, 4, activation=None, seed=0), BatchNorm(4), Elementwise("tanh"), Layer(4, 1, activation=None, seed=1)
    )


def test_modules_are_applied_in_turn_with_batch_norm_seeing_the_batch() -> None:
    model = network()
    rows = [[0.5, -1.0], [1.0, 2.0], [-0.3, 0.1]]
    by_hand_norm = BatchNorm(4)
    first, second = Layer(2, 4, activation=None, seed=0), Layer(4, 1, activation=None, seed=1)
    expected = [second([v.tanh() for v in row])[0].data for row in by_hand_norm([first(row) for row in rows])]
    assert [out.data for out in model.forward_batch(rows)] == expected
    trace = model.trace(rows)
    assert len(trace) == 4 and len(trace[1]) == 3 and len(trace[1][0]) == 4


def test_children_are_renamed_so_every_parameter_has_a_unique_name_and_label() -> None:
    model = network()
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "0.neurons.0.w.0" and "1.gamma.0" in names and names[-1] == "3.neurons.0.b"
    assert [value.label for _, value in model.named_parameters()] == names
    assert len(set(names)) == len(names)


def test_a_single_row_works_in_evaluation_mode_and_batch_norm_in_training_asks_for_a_batch() -> None:
    model = network()
    with pytest.raises(ValueError, match=r"BatchNorm '1': training needs at least 2 rows per batch .*, got 1"):
        model([0.5, -1.0])
    assert isinstance(model.eval()([0.5, -1.0]), Value)


def test_fit_trains_a_sequential_with_batch_norm() -> None:
    moons = make_moons(60, seed=0)
    model = network()
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1, momentum=0.9),
                  Dataset(moons.X, 2 * moons.y - 1), 20, 10, quiet=True)  # fmt: skip
    assert history.train_accuracy[-1] > 0.8
    assert model.steps[1].running_mean[0].data != 0.0  # the statistics were collected while training


def test_bad_modules_are_refused() -> None:
    with pytest.raises(ValueError, match="Sequential: give at least one module"):
        Sequential()
    with pytest.raises(TypeError, match="Sequential: module 1 must be an nn Module, got function"):
        Sequential(Layer(2, 2), lambda row: row)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Elementwise: activation: unknown activation 'swish'"):
        Elementwise("swish")


def test_a_sequential_nested_thousands_deep_runs_on_every_path_as_the_flat_one() -> None:
    import sys

    from autograd import Tensor
    from nn import mse

    def model() -> Sequential:
        return Sequential(
            Layer(2, 2, activation=None, seed=0), Elementwise("tanh"), Layer(2, 1, activation=None, seed=1)
        )

    deep: Sequential = model()
    for _ in range(sys.getrecursionlimit() + 500):  # calling each one inside the other would need this many frames
        deep = Sequential(deep)
    flat = model()
    rows = [[0.5, -1.0], [1.0, 2.0]]
    assert deep(rows[0]).data == flat(rows[0]).data
    assert [v.data for v in deep.forward_batch(rows)] == [v.data for v in flat.forward_batch(rows)]
    assert deep(Tensor(rows)).data.tolist() == flat(Tensor(rows)).data.tolist()
    for matrix in (True, False):
        fit(deep, mse, SGD(deep.parameters(), lr=0.1), Dataset(rows, [1.0, 0.0]), epochs=1, quiet=True, matrix=matrix)
        fit(flat, mse, SGD(flat.parameters(), lr=0.1), Dataset(rows, [1.0, 0.0]), epochs=1, quiet=True, matrix=matrix)
        assert [p.data for p in deep.parameters()] == [p.data for p in flat.parameters()]
