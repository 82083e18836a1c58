"""Neuron, Layer, MLP and Maxout: the course notes' 2-3-2 network by hand, names, seeding, fused vs gate-by-gate."""

from __future__ import annotations

import gc
import random

import numpy as np
import pytest

from autograd import Value, current_scope, gradcheck, no_grad, topological_order
from nn.activations import resolve_activation
from nn.init import INITIALISERS
from nn.layers import MLP, Layer, Maxout, Neuron
from nn.losses import mse


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_three_two_network_matches_the_hand_backprop_formulas(seed: int) -> None:
    """Sigmoid hidden and output layers, L = ½Σ(y − t)²: the engine's gradients equal the notes' deltas.

    Output layer: ∂L/∂u_jk = δ_k h_j with δ_k = (y_k − t_k) y_k (1 − y_k).
    Hidden layer: ∂L/∂w_ij = δ_j x_i with δ_j = Σ_k δ_k u_jk · h_j (1 − h_j). Biases get the deltas.
    """
    rng = np.random.default_rng(seed)
    x, t = rng.normal(size=2), rng.uniform(0.0, 1.0, size=2)
    model = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=seed)
    outputs = model(x.tolist())
    assert isinstance(outputs, list)
    loss = mse(outputs, t, "sum", half=True)
    loss.backward()

    hidden, output = model.layers
    w = np.array([[n.w[i].data for n in hidden.neurons] for i in range(2)])  # w[i, j]: input i → hidden j
    b = np.array([n.b.data for n in hidden.neurons])
    u = np.array([[n.w[j].data for n in output.neurons] for j in range(3)])  # u[j, k]: hidden j → output k
    c = np.array([n.b.data for n in output.neurons])
    h = sigmoid(x @ w + b)
    y = sigmoid(h @ u + c)
    delta_out = (y - t) * y * (1 - y)
    delta_hidden = (u @ delta_out) * h * (1 - h)

    assert [o.data for o in outputs] == pytest.approx(y.tolist(), rel=1e-14)
    assert loss.data == pytest.approx(0.5 * np.sum((y - t) ** 2), rel=1e-14)
    engine_u = np.array([[n.w[j].grad for n in output.neurons] for j in range(3)])
    engine_w = np.array([[n.w[i].grad for n in hidden.neurons] for i in range(2)])
    np.testing.assert_allclose(engine_u, np.outer(h, delta_out), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose([n.b.grad for n in output.neurons], delta_out, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(engine_w, np.outer(x, delta_hidden), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose([n.b.grad for n in hidden.neurons], delta_hidden, rtol=1e-12, atol=1e-16)


def test_named_parameters_are_stable_readable_and_label_the_values() -> None:
    model = MLP(3, [4, 2], seed=0)
    names = [name for name, _ in model.named_parameters()]
    first_neuron = [f"layers.0.neurons.0.w.{i}" for i in range(3)] + ["layers.0.neurons.0.b"]
    assert names[:5] == [*first_neuron, "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.1.b"
    assert len(names) == len(set(names)) == 4 * 4 + 2 * 5
    assert all(value.label == name for name, value in model.named_parameters())
    assert [name for name, _ in MLP(3, [4, 2], seed=5).named_parameters()] == names
    assert model.parameters() == [value for _, value in model.named_parameters()]


def test_mlp_output_is_a_value_for_one_unit_else_a_list_and_layer_always_a_list() -> None:
    assert isinstance(MLP(2, [16, 1, 1], seed=0)([0.5, -0.5]), Value)
    wide = MLP(2, [4, 3], seed=0)([0.5, -0.5])
    assert isinstance(wide, list) and len(wide) == 3
    single = Layer(2, 1, seed=0)([1.0, 2.0])
    assert isinstance(single, list) and len(single) == 1


def test_mlp_hidden_layers_use_activation_and_the_last_is_linear_by_default() -> None:
    model = MLP(2, [3, 3, 2], activation="tanh", seed=0)
    assert [layer.neurons[0].activation_name for layer in model.layers] == ["tanh", "tanh", "identity"]
    out = model([0.1, 0.2])
    assert isinstance(out, list)
    assert {o.op for o in out} == {"dot"}
    assert MLP(2, [3, 1], output_activation="sigmoid", seed=0)([0.1, 0.2]).op == "sigmoid"  # type: ignore[union-attr]


def test_fused_and_gate_by_gate_neurons_give_identical_numbers() -> None:
    rng = np.random.default_rng(7)
    for nin in (1, 2, 5, 16):
        fused = Neuron(nin, "tanh", seed=nin)
        unfused = Neuron(nin, "tanh", seed=nin, fused=False)
        inputs = rng.normal(size=nin).tolist()
        xs_a, xs_b = [Value(v) for v in inputs], [Value(v) for v in inputs]
        out_a, out_b = fused(xs_a), unfused(xs_b)
        assert out_a.data == out_b.data
        out_a.backward()
        out_b.backward()
        assert [p.grad for p in fused.parameters()] == [p.grad for p in unfused.parameters()]
        assert [x.grad for x in xs_a] == [x.grad for x in xs_b]
        ops_a = [n.op for n in topological_order(out_a) if n.op]
        ops_b = [n.op for n in topological_order(out_b) if n.op]
        assert ops_a == ["dot", "tanh"]
        assert ops_b.count("*") == nin and ops_b.count("+") == nin


def test_plain_number_inputs_are_folded_into_the_dot_node() -> None:
    neuron = Neuron(3, activation=None, seed=0)
    out = neuron([1.0, np.float64(2.0), 3])
    assert out.op == "dot" and out.inputs == (*neuron.w, neuron.b)
    out.backward()
    assert [w.grad for w in neuron.w] == [1.0, 2.0, 3.0]
    assert neuron.b.grad == 1.0


def mlp_by_hand(model: MLP, params: list[Value], x: list[float]) -> list[Value]:
    """The model's function rebuilt from + and * on stand-in leaves, one per parameter, in parameter order."""
    index = 0
    signal: list[Value] | list[float] = x
    for layer in model.layers:
        outputs = []
        for neuron in layer.neurons:
            ws, bias = params[index : index + neuron.nin], params[index + neuron.nin]
            index += neuron.nin + 1
            pre = bias
            for w, xi in zip(ws, signal, strict=True):
                pre = pre + w * xi
            outputs.append(neuron.activation(pre))
        signal = outputs
    return signal  # type: ignore[return-value]


def test_mlp_gradients_pass_gradcheck_and_match_a_rebuilt_graph() -> None:
    model = MLP(3, [4, 4, 2], activation="tanh", seed=11)
    params = model.parameters()
    x, target = [0.3, -0.7, 1.1], [0.5, -0.25]
    assert gradcheck(lambda *ps: mse(mlp_by_hand(model, list(ps), x), target), params, atol=1e-7, rtol=1e-5)
    mse(model(x), target).backward()  # type: ignore[arg-type]
    leaves = [Value(p.data) for p in params]
    mse(mlp_by_hand(model, leaves, x), target).backward()
    assert [p.grad for p in params] == pytest.approx([leaf.grad for leaf in leaves], rel=1e-12, abs=1e-15)


def test_same_seed_same_weights_different_seed_different_weights_global_rng_untouched() -> None:
    random.seed(123)
    np.random.seed(123)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    a, b, c = MLP(2, [8, 1], seed=42), MLP(2, [8, 1], seed=42), MLP(2, [8, 1], seed=43)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    assert random.getstate() == python_state
    assert np.array_equal(np.random.get_state()[1], numpy_state[1])  # type: ignore[arg-type]


def test_uniform_init_draws_from_minus_one_to_one_and_biases_start_at_zero() -> None:
    model = MLP(4, [50, 50], seed=0)
    weights = np.array([w.data for layer in model.layers for n in layer.neurons for w in n.w])
    assert weights.min() >= -1.0 and weights.max() < 1.0
    assert abs(weights.mean()) < 0.05 and weights.std() == pytest.approx(1 / np.sqrt(3), rel=0.05)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


@pytest.mark.parametrize(("init", "gain"), [("lecun", 1.0), ("xavier", 1.0), ("he", 2.0)])
def test_normal_inits_have_variance_gain_over_fan_in(init: str, gain: float) -> None:
    fan_in = 40
    layer = Layer(fan_in, 200, init=init, seed=1)
    weights = np.array([w.data for n in layer.neurons for w in n.w])
    # 8,000 draws: the sample variance is within a few percent of gain / fan_in
    assert weights.var() == pytest.approx(gain / fan_in, rel=0.05)
    assert abs(weights.mean()) < 0.01


def test_init_accepts_a_function_and_rejects_unknown_names() -> None:
    neuron = Neuron(3, init=lambda rng, n: [0.5] * n, seed=0)
    assert [w.data for w in neuron.w] == [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        Neuron(3, init="glorot")
    with pytest.raises(ValueError, match="init returned 2 weights for nin=3"):
        Neuron(3, init=lambda rng, n: [0.0, 0.0])
    assert set(INITIALISERS) == {"uniform", "lecun", "xavier", "he"}


def test_modules_put_each_neuron_and_layer_in_a_named_scope_by_default() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    assert out.scope is not None
    assert [s.name for s in out.scope.path()] == ["layers.1", "layers.1.neurons.0"]
    first_hidden = out.inputs[0] if out.inputs[0].op else out.inputs[1]
    assert first_hidden.scope is not None and first_hidden.scope.name.startswith("layers.0.neurons.")
    unscoped = MLP(2, [3, 1], seed=0, scoped=False)([0.5, -1.0])
    assert isinstance(unscoped, Value) and unscoped.scope is None
    assert unscoped.data == out.data


def _scope_paths(root: Value) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each node's op and its scopes, outermost first, as (name, title) pairs."""
    return [
        (node.op, [(s.name, s.title) for s in node.scope.path()] if node.scope else [])
        for node in topological_order(root)
    ]


@pytest.mark.parametrize("activation", ["relu", "tanh", None, "leaky_relu"])
def test_placed_neuron_scopes_are_the_scopes_a_with_block_gives(activation: str | None) -> None:
    """A fused neuron places its two nodes in its scope afterwards; a custom activation runs inside it."""
    placed = MLP(2, [3, 2, 1], activation=activation, seed=0)
    function = resolve_activation(activation)
    entered = MLP(2, [3, 2, 1], activation=lambda v: function(v), seed=0)  # custom: the scope is entered
    out_placed, out_entered = placed([0.5, -1.0]), entered([0.5, -1.0])
    assert isinstance(out_placed, Value) and isinstance(out_entered, Value)
    assert _scope_paths(out_placed) == _scope_paths(out_entered)
    assert out_placed.data == out_entered.data
    neuron = placed.layers[0].neurons[1]
    alone = neuron([0.5, -1.0])
    assert alone.scope is not None and (alone.scope.name, alone.scope.title, alone.scope.parent) == (
        "layers.0.neurons.1",
        "neuron 1",
        None,
    )
    with no_grad():
        assert placed([0.5, -1.0]).scope is None  # type: ignore[union-attr]


def test_a_neuron_that_fails_leaves_no_scope_open() -> None:
    def broken(v: Value) -> Value:
        raise ZeroDivisionError("inside the neuron")

    layer = Layer(2, 2, activation=broken, seed=0, name="layers.0")
    with pytest.raises(ZeroDivisionError, match="inside the neuron"):
        layer([1.0, 2.0])
    assert current_scope() is None
    with pytest.raises(ValueError, match=r"layers\.0: expected 2 inputs, got 3"):
        layer([1.0, 2.0, 3.0])
    assert current_scope() is None


def test_maxout_takes_the_max_of_its_pieces_and_routes_the_gradient_to_the_winner() -> None:
    unit = Maxout(2, 2, pieces=3, seed=4)
    x = [0.7, -1.3]
    outs = unit(x)
    for out, pieces in zip(outs, unit.units, strict=True):
        pre = [sum(w.data * xi for w, xi in zip(p.w, x, strict=True)) + p.b.data for p in pieces]
        assert out.data == pytest.approx(max(pre), rel=1e-15)
    outs[0].backward()
    pieces = unit.units[0]
    pre = [p.pre_activation(x).data for p in pieces]
    winner = int(np.argmax(pre))
    for k, piece in enumerate(pieces):
        expected = x if k == winner else [0.0, 0.0]
        assert [w.grad for w in piece.w] == pytest.approx(expected)
    names = [name for name, _ in unit.named_parameters()]
    assert names[0] == "units.0.pieces.0.w.0" and names[-1] == "units.1.pieces.2.b"


def test_maxout_gradcheck() -> None:
    unit = Maxout(3, 1, pieces=2, seed=2)
    x = [0.4, -0.2, 0.9]

    def run(*values: Value) -> Value:
        return unit(list(values))[0].tanh()

    assert gradcheck(run, [Value(v) for v in x], atol=1e-7)


def test_bad_sizes_and_inputs_are_reported_by_owner_and_argument() -> None:
    with pytest.raises(ValueError, match="Neuron: nin must be at least 1, got 0"):
        Neuron(0)
    with pytest.raises(TypeError, match="Layer: nout must be an int, got float"):
        Layer(2, 2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"MLP: nouts\[1\] must be at least 1"):
        MLP(2, [3, 0])
    with pytest.raises(ValueError, match="MLP: nouts must list at least one"):
        MLP(2, [])
    with pytest.raises(ValueError, match="Maxout: pieces must be at least 1"):
        Maxout(2, 2, pieces=0)
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Neuron: expected 2 inputs, got 1"):
        Neuron(2, seed=0)([1.0])
    with pytest.raises(TypeError, match=r"xs\[1\] must be a Value or a real number, got str"):
        Neuron(2, seed=0)([1.0, "2"])  # type: ignore[list-item]


def test_reprs_describe_the_architecture() -> None:
    assert repr(MLP(2, [16, 16, 1], seed=0)) == "MLP(2, [16, 16, 1], activation='relu', output_activation='identity')"
    assert repr(Layer(3, 4, "tanh", seed=0)) == "Layer(3, 4, activation='tanh')"
    assert repr(Neuron(2, seed=0)) == "Neuron(2, activation='relu')"
    assert repr(Maxout(2, 3, seed=0)) == "Maxout(2, 3, pieces=2)"


@pytest.mark.parametrize("scoped", [True, False])
def test_a_training_step_leaves_no_cyclic_garbage(scoped: bool) -> None:
    """Graphs, scopes and a layer's input vectors are freed by reference counting, never by the cyclic collector."""
    model = MLP(2, [4, 4, 1], seed=0, scoped=scoped)
    maxout = Maxout(2, 2, seed=0, scoped=scoped)
    gc.collect()
    gc.disable()
    try:
        for row in ([0.5, -1.0], [Value(0.5), Value(-1.0)]):
            out = model(row)
            assert isinstance(out, Value)
            (out + maxout(row)[0]).backward()
        del out
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "row", [np.array([1.0, 2.0]), np.array([1, 2]), (1.0, 2.0), [np.float64(1.0), 2], [Value(1.0), Value(2.0)]]
)
def test_any_sequence_of_numbers_or_values_is_a_row(row: object) -> None:
    """Issue 20, item 2: a numpy row (what ``[model(row) for row in X]`` passes) crashed in ``if not xs``."""
    expected = [1.0, 2.0]
    for scoped in (True, False):
        model, neuron = MLP(2, [3, 1], seed=0, scoped=scoped), Neuron(2, seed=0, scoped=scoped)
        layer, maxout = Layer(2, 3, seed=0, scoped=scoped), Maxout(2, 2, seed=0, scoped=scoped)
        out = model(row)  # type: ignore[arg-type]
        assert isinstance(out, Value) and out.data == model(expected).data  # type: ignore[union-attr]
        assert neuron(row).data == neuron(expected).data  # type: ignore[arg-type]
        assert [v.data for v in layer(row)] == [v.data for v in layer(expected)]  # type: ignore[arg-type]
        assert [v.data for v in maxout(row)] == [v.data for v in maxout(expected)]  # type: ignore[arg-type]
    batch = np.array([[1.0, 2.0], [3.0, -1.0]])
    assert len([model(r) for r in batch]) == 2  # the library's own hint for a batch
