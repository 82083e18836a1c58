"""Parameters that live in their layers' arrays on the matrix path (nn.parameter_home): the same numbers everywhere."""

from __future__ import annotations

import copy
import pickle
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograd import Tensor, Value
from nn.layers import MLP, Layer, Maxout
from nn.losses import binary_hinge, l2_regularization
from nn.matrix import l2_penalty
from nn.optim import SGD, Adam
from nn.parameter_home import Gather, HomedValue, ParameterHome, release
from nn.saved import load

X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.1, 0.2]])
Y = np.array([1.0, -1.0, 1.0, -1.0])


def _numbers(model: MLP) -> list[tuple[float, float]]:
    return [(p.data, p.grad) for p in model.parameters()]


def test_a_matrix_call_moves_the_parameters_into_arrays_without_changing_a_number() -> None:
    model = MLP(2, [3, 1], seed=0)
    before = model.parameters()
    numbers = _numbers(model)
    model(Tensor(X))
    after = model.parameters()
    assert all(a is b for a, b in zip(before, after, strict=True))  # the same objects
    assert {type(p) for p in after} == {HomedValue}
    assert _numbers(model) == numbers
    home = model.layers[0]._parameter_home
    assert home.theta.shape == (3, 3)  # a row per neuron: w0, w1, b
    assert home.theta.tolist() == [[n.w[0].data, n.w[1].data, n.b.data] for n in model.layers[0].neurons]


def test_gradients_and_a_micrograd_style_update_match_the_scalar_path() -> None:
    matrix, scalar = MLP(2, [4, 4, 1], seed=1), MLP(2, [4, 4, 1], seed=1)
    for _ in range(3):
        binary_hinge(matrix(Tensor(X)), Y).backward()
        binary_hinge([scalar(row) for row in X.tolist()], Y.tolist()).backward()
        for model in (matrix, scalar):
            for p in model.parameters():
                p.data -= 0.1 * p.grad
                p.grad = 0.0
    assert type(matrix.parameters()[0]) is HomedValue
    np.testing.assert_allclose(_numbers(matrix), _numbers(scalar), rtol=1e-12, atol=1e-15)


def test_an_optimizer_and_the_l2_penalty_read_whole_arrays_and_match_the_values() -> None:
    for optimizer_kind in (SGD, Adam):
        matrix, scalar = MLP(2, [4, 1], seed=2), MLP(2, [4, 1], seed=2)
        matrix(Tensor(X))  # homed before the optimizer's first read
        steps = [optimizer_kind(matrix.parameters(), lr=0.05), optimizer_kind(scalar.parameters(), lr=0.05)]
        for _ in range(3):
            for model, optimizer in zip((matrix, scalar), steps, strict=True):
                optimizer.zero_grad()
                out = model(Tensor(X)) if model is matrix else [model(row) for row in X.tolist()]
                (binary_hinge(out, Y) + l2_penalty(model.parameters(), 0.1)).backward()
                optimizer.step()
        assert Gather.of(matrix.parameters()) is not None
        np.testing.assert_allclose(_numbers(matrix), _numbers(scalar), rtol=1e-10, atol=1e-14)


def test_a_scalar_call_gives_the_parameters_their_slots_back() -> None:
    model = MLP(2, [3, 1], seed=0)
    matrix_out = model(Tensor(X)).data
    homed = _numbers(model)
    scalar_out = [model(row).data for row in X.tolist()]
    assert {type(p) for p in model.parameters()} == {Value}
    assert _numbers(model) == homed
    np.testing.assert_allclose(scalar_out, matrix_out, rtol=1e-14)
    model(Tensor(X))  # and back into (new) arrays
    assert {type(p) for p in model.parameters()} == {HomedValue}


def test_a_replaced_weight_is_read_at_the_next_matrix_call() -> None:
    model = MLP(2, [3, 1], seed=0)
    model(Tensor(X))
    neuron = model.layers[0].neurons[1]
    neuron.w[0] = Value(3.0, label="new")  # replaced in place: the home no longer holds exactly this layer's Values
    out = model(Tensor(X)).data
    reference = MLP(2, [3, 1], seed=0)
    reference.layers[0].neurons[1].w[0] = Value(3.0)
    np.testing.assert_allclose(out, [reference(row).data for row in X.tolist()], rtol=1e-14)
    assert type(neuron.w[0]) is HomedValue


def test_tied_weights_stay_values_and_get_both_shares() -> None:
    model, reference = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=0)
    for m in (model, reference):
        m.layers[0].neurons[1].w[0] = m.layers[0].neurons[0].w[0]  # one Value in two places
    binary_hinge(model(Tensor(X)), Y).backward()
    binary_hinge([reference(row) for row in X.tolist()], Y.tolist()).backward()
    assert type(model.layers[0].neurons[0].w[0]) is Value  # layer 1 could not move: its Values stay as they are
    assert type(model.layers[1].neurons[0].w[0]) is HomedValue
    np.testing.assert_allclose(_numbers(model), _numbers(reference), rtol=1e-12, atol=1e-15)
    home = model.layers[1]._parameter_home
    model(Tensor(X))
    assert model.layers[1]._parameter_home is home  # the layer that cannot move does not move the others each call


def test_a_neuron_called_alone_then_its_layer_moves_the_values_again() -> None:
    layer = Layer(2, 3, seed=0)
    first = layer.neurons[0]
    first(Tensor(X))
    neuron_home = first._parameter_home
    assert first.b._home[0] is neuron_home
    expected = [[n(row).data for n in layer.neurons] for row in X.tolist()]  # a scalar call: back to slots
    first(Tensor(X))
    out = layer(Tensor(X)).data
    assert not first._parameter_home.live and first.b._home[0] is layer._parameter_home
    np.testing.assert_allclose(out, expected, rtol=1e-14)
    first.b.data = 0.5
    assert layer._parameter_home.theta[0, -1] == 0.5


def test_maxout_pieces_live_in_one_home() -> None:
    model = Maxout(2, 2, pieces=3, seed=0)
    out = model(Tensor(X)).data
    assert {type(p) for p in model.parameters()} == {HomedValue}
    np.testing.assert_allclose(out, [[v.data for v in model(row)] for row in X.tolist()], rtol=1e-14)


def test_a_parameter_set_to_something_not_a_number_is_an_error_naming_it() -> None:
    model = MLP(2, [1], seed=0)
    model(Tensor(X))
    p = model.parameters()[0]
    with pytest.raises(TypeError, match=r"layers\.0\.neurons\.0\.w\.0\.data must be a real number, got str"):
        p.data = "0.5"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"\.grad must be a real number, got NoneType"):
        p.grad = None  # type: ignore[assignment]
    p.data = 2  # an int, as a Value takes it
    assert p.data == 2.0 and type(p.data) is float


def test_a_scalar_graph_over_homed_values_backpropagates_into_the_arrays() -> None:
    model = MLP(2, [3, 1], seed=0)
    model(Tensor(X))
    parameters = model.parameters()
    total = parameters[0] * parameters[0]
    for p in parameters[1:]:
        total = total + p * p
    total.backward()
    assert [p.grad for p in parameters] == [2.0 * p.data for p in parameters]
    assert type(parameters[0]) is HomedValue


def test_copies_and_pickles_have_arrays_of_their_own() -> None:
    model = MLP(2, [3, 1], seed=0)
    model(Tensor(X))
    for twin in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert _numbers(twin) == _numbers(model)
        twin.parameters()[0].data = 5.0
        assert twin.layers[0]._parameter_home.theta[0, 0] == 5.0
        assert model.parameters()[0].data != 5.0
        np.testing.assert_array_equal(twin(Tensor(X)).data, [twin(row).data for row in X.tolist()])


def test_save_and_load_of_a_model_trained_on_the_matrix_path(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    binary_hinge(model(Tensor(X)), Y).backward()
    optimizer.step()
    model.save(tmp_path / "model.json")
    loaded = load(tmp_path / "model.json")
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]


def test_a_gather_finds_runs_and_notices_a_changed_list() -> None:
    first, second = MLP(2, [3, 1], seed=0), MLP(2, [2], seed=1)
    first(Tensor(X)), second(Tensor(X))
    both = first.parameters() + second.parameters()
    gather = Gather.of(both)
    assert gather is not None and len(gather.spans) == 2  # each model's layers side by side: one run per model
    np.testing.assert_array_equal(gather.data(), [p.data for p in both])
    both[0] = Value(7.0)  # no longer a parameter that lives in a home
    assert Gather.of(both) is None
    part = first.parameters()[1:5]
    gather = Gather.of(part)
    assert gather is not None
    gather.add_grad(np.arange(4.0))
    assert [p.grad for p in part] == [0.0, 1.0, 2.0, 3.0]
    release(first.layers[0]._parameter_home)
    assert Gather.of(part) is None  # its home is gone: read as Values again


def test_a_home_is_not_built_for_computed_weights() -> None:
    a = Value(1.0)
    assert ParameterHome.build([[a * 2.0]], [Value(0.0)]) is None
    assert ParameterHome.build([[a, a]], [Value(0.0)]) is None


def test_an_mlps_layers_live_side_by_side_until_one_needs_a_home_of_its_own() -> None:
    model, reference = MLP(2, [3, 2, 1], seed=0), MLP(2, [3, 2, 1], seed=0)
    model(Tensor(X))
    homes = [layer._parameter_home for layer in model.layers]
    assert all(home.base_theta is homes[0].base_theta for home in homes)
    assert homes[0].base_theta.tolist() == [p.data for p in model.parameters()]  # in the parameters' order
    gather = Gather.of(model.parameters())
    assert gather is not None and len(gather.spans) == 1
    for m in (model, reference):
        m.layers[1].neurons[0].w[1] = Value(0.75)
    out = model(Tensor(X))
    assert model.layers[1]._parameter_home is not homes[1] and model.layers[0]._parameter_home is homes[0]
    gather = Gather.of(model.parameters())
    assert gather is not None and len(gather.spans) == 3  # layer 2 has a home of its own now
    np.testing.assert_allclose(out.data, [reference(row).data for row in X.tolist()], rtol=1e-14)


def test_a_scalar_call_between_forward_and_backward_loses_no_gradient() -> None:
    model, reference = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    loss = binary_hinge(model(Tensor(X)), Y) + l2_penalty(model.parameters(), 0.1)
    model([0.5, 0.5])  # gives the Values their slots back: the homes the graph's leaves add into are gone
    assert {type(p) for p in model.parameters()} == {Value}
    loss.backward()
    (binary_hinge([reference(row) for row in X.tolist()], Y.tolist()) + l2_penalty(reference.parameters(), 0.1)
     ).backward()
    np.testing.assert_allclose(_numbers(model), _numbers(reference), rtol=1e-12, atol=1e-15)
    model.zero_grad(), reference.zero_grad()
    again = binary_hinge(model(Tensor(X)), Y)
    old = model.layers[0]._parameter_home
    model([0.5, 0.5]), model(Tensor(X))  # slots, then homes anew: the graph's leaves add into homes that are gone
    assert type(model.parameters()[0]) is HomedValue and model.layers[0]._parameter_home is not old and not old.live
    again.backward()
    binary_hinge([reference(row) for row in X.tolist()], Y.tolist()).backward()
    np.testing.assert_allclose(_numbers(model), _numbers(reference), rtol=1e-12, atol=1e-15)


def _scalar_reference(model: MLP) -> Value:
    return binary_hinge([model(row) for row in X.tolist()], Y.tolist())


def test_a_graph_whose_values_moved_to_another_home_since_sends_them_their_gradients() -> None:
    # A neuron called alone moves its Values into a home of its own; its layer's call then takes them into the
    # layer's home: a graph made through the neuron's home adds into them one by one, where they live now.
    model, reference = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    neuron = model.layers[0].neurons[0]
    loss = binary_hinge(neuron(Tensor(X)), Y)
    before = neuron._parameter_home
    model(Tensor(X))
    assert not before.live and neuron.b._home[0] is model.layers[0]._parameter_home
    loss.backward()
    binary_hinge([reference.layers[0].neurons[0](row) for row in X.tolist()], Y.tolist()).backward()
    np.testing.assert_allclose(_numbers(model), _numbers(reference), rtol=1e-12, atol=1e-15)


def test_weights_tied_across_layers_or_models_get_every_share() -> None:
    # A Value two layers share lives in the first one's home; the other layer reads its Values one by one (its home
    # is None), call after call, rather than moving the Value back and forth
    model, reference = MLP(2, [2, 2, 1], seed=0), MLP(2, [2, 2, 1], seed=0)
    for m in (model, reference):
        m.layers[1].neurons[0].w[0] = m.layers[0].neurons[0].w[0]
    homes = []
    for _ in range(2):
        binary_hinge(model(Tensor(X)), Y).backward()
        _scalar_reference(reference).backward()
        np.testing.assert_allclose(_numbers(model), _numbers(reference), rtol=1e-12, atol=1e-15)
        homes.append([layer._parameter_home for layer in model.layers])
        assert homes[-1][0].live and homes[-1][1] is None
        assert model.layers[1].neurons[0].w[0]._home[0] is homes[-1][0]
    assert homes[0] == homes[1]  # the same homes: nothing moved at the second call
    first, second, first_reference, second_reference = (MLP(2, [2, 1], seed=s) for s in (0, 1, 0, 1))
    for one, two in ((first, second), (first_reference, second_reference)):
        two.layers[0].neurons[0].w[0] = one.layers[0].neurons[0].w[0]  # one parameter shared by two models
    (binary_hinge(first(Tensor(X)), Y) + binary_hinge(second(Tensor(X)), Y)).backward()
    (_scalar_reference(first_reference) + _scalar_reference(second_reference)).backward()
    np.testing.assert_allclose(_numbers(first), _numbers(first_reference), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(_numbers(second), _numbers(second_reference), rtol=1e-12, atol=1e-15)


def test_a_shallow_copy_of_a_parameter_is_a_value_of_its_own() -> None:
    # [copy.copy(p) for p in parameters] keeps the numbers of the moment, as it does for plain Values
    model = MLP(2, [3, 1], seed=0)
    model(Tensor(X))
    parameter = model.parameters()[0]
    parameter.grad = 0.5
    before = parameter.data
    kept = copy.copy(parameter)
    parameter.data, parameter.grad = 9.0, 1.0
    assert (kept.data, kept.grad, kept.label) == (before, 0.5, parameter.label)
    kept.data = -3.0
    assert parameter.data == 9.0 and model.layers[0]._parameter_home.theta[0, 0] == 9.0


def _interleaved_run(seed: int) -> tuple[MLP, MLP]:
    """A random interleaving of what users do with a model, done to one model on both paths and to a twin on scalars
    only: pending matrix, scalar and penalty graphs, a layer or a neuron called alone, steps, zero_grad, micrograd's
    update, a state round trip, a replaced weight, weights tied across layers."""
    rng = random.Random(seed)
    model, twin = MLP(2, [3, 2, 1], seed=seed), MLP(2, [3, 2, 1], seed=seed)
    if seed % 3 == 0:
        for m in (model, twin):
            m.layers[1].neurons[0].w[1] = m.layers[0].neurons[2].w[0]
    kind = rng.choice([SGD, Adam])
    optimizers = [kind(list(dict.fromkeys(m.parameters())), lr=0.05) for m in (model, twin)]
    pending: list[tuple[Any, Any]] = []
    rows = X.tolist()
    for _ in range(25):
        action = rng.randrange(11)
        if action == 0:
            pending.append((binary_hinge(model(Tensor(X)), Y), _scalar_reference(twin)))
        elif action == 1:
            row = rows[rng.randrange(len(rows))]
            pending.append((model(row), twin(row)))
        elif action == 2:
            model.layers[1](Tensor(np.ones((2, 3))))
        elif action == 3:
            model.layers[0].neurons[rng.randrange(3)](Tensor(X))
        elif action == 4 and pending:
            for loss in pending.pop(rng.randrange(len(pending))):
                loss.backward()
        elif action == 5:
            for optimizer in optimizers:
                optimizer.step()
        elif action == 6:
            for optimizer in optimizers:
                optimizer.zero_grad()
        elif action == 7:
            pending.append((l2_penalty(model.parameters(), 0.1), l2_regularization(twin.parameters(), 0.1)))
        elif action == 8:
            for m in (model, twin):
                for p in m.parameters():
                    p.data -= 0.01 * p.grad
        elif action == 9:
            for m in (model, twin):
                m.load_state_dict(m.state_dict())
        else:
            neuron, number = rng.randrange(3), rng.random()
            for m in (model, twin):
                m.layers[0].neurons[neuron].w[1] = Value(number)
    for losses in pending:
        for loss in losses:
            loss.backward()
    return model, twin


@pytest.mark.parametrize("seed", range(40))
def test_any_interleaving_of_matrix_and_scalar_use_gives_the_scalar_numbers(seed: int) -> None:
    model, twin = _interleaved_run(seed)
    np.testing.assert_allclose(_numbers(model), _numbers(twin), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model(Tensor(X)).data, [twin(row).data for row in X.tolist()], rtol=1e-9, atol=1e-12)


def test_a_homed_parameter_reads_as_a_leaf_with_no_number_operand() -> None:
    # its place in the home is kept in the slot a leaf's number operand would use: nothing may read it as one
    model = MLP(2, [1], seed=0)
    model(Tensor(X))
    p = model.parameters()[0]
    assert type(p) is HomedValue and (p.const, p.const_left, p.op, p.inputs, p.local_grads) == (None, False, "", (), ())
    twin = copy.copy(p)
    assert type(twin) is Value and twin.const is None and twin._const is None
    model([0.5, 0.5])
    assert type(p) is Value and p._const is None and p.const is None


def test_the_l2_penalty_takes_a_generator_of_parameters_homed_or_not() -> None:
    for homed in (False, True):
        model = MLP(2, [3, 1], seed=0)
        if homed:
            model(Tensor(X))
        expected = l2_penalty(model.parameters(), 0.1).item()
        assert l2_penalty((p for p in model.parameters()), 0.1).item() == expected
