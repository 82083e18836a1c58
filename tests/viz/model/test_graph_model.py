"""The graph model: ids, roles, edges, the "—" rule, groups and collapsing."""

from __future__ import annotations

import math

import pytest

from autograd import Value, backward_steps, dot, gradients, scope, topological_order
from autograd.examples import sigmoid_circuit
from nn import MLP, Neuron
from viz import GraphModel, ModelOptions, describe


def test_ids_follow_topological_positions_and_every_engine_node_has_one() -> None:
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    out = (x * y + x).tanh()
    model = describe(out)
    order = topological_order(out)
    assert [node.id for node in model.values] == [f"n{i}" for i in range(len(order))]
    assert [model.value_ids[node] for node in order] == [node.id for node in model.values]
    assert [gate.id for gate in model.gates] == ["g2", "g3", "g4"]
    assert model.root == "n4" and model.gate("g4").outputs == ("n4",)


def test_one_edge_per_use_in_input_order_with_engine_indices() -> None:
    a = Value(3.0, label="a")
    square = a * a
    model = describe(square)
    edges = [model.edge(edge_id) for edge_id in model.gate("g1").inputs]
    assert [(e.id, e.source, e.position, e.local_grads) for e in edges] == [
        ("g1_in0", "n0", 0, (3.0,)),
        ("g1_in1", "n0", 1, (3.0,)),
    ]
    # the same index as the engine's record of backward, so a player can find the edge of each step
    (step,) = backward_steps(square)
    assert [f"g1_in{edge.position}" for edge in step.edges] == list(model.gate("g1").inputs)


def test_gradients_are_none_before_backward_and_the_engine_values_after() -> None:
    x = Value(0.0, label="x")
    out = x.relu() + 1.0
    assert describe(out).has_gradients is False
    assert {node.grad for node in describe(out).values} == {None}
    out.backward()
    model = describe(out)
    assert model.has_gradients
    assert [node.grad for node in model.values] == [0.0, 1.0, 1.0]  # the relu kink's genuine 0 is shown


def test_roles() -> None:
    w, x = Value(2.0, label="w"), Value(3.0, label="x")
    out = w * x
    roles = {node.label or node.id: node.role for node in describe(out, ModelOptions.build(parameters=[w])).values}
    assert roles == {"w": "parameter", "x": "input", "n2": "output"}
    assert describe(x).values[0].role == "output"  # a lone leaf is the output


def two_neurons() -> tuple[list[Value], list[Value], Value]:
    inputs = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    weights = [Value(0.5, label="w0"), Value(0.25, label="w1"), Value(-1.0, label="v0"), Value(2.0, label="v1")]
    with scope("neuron"):
        first = dot(weights[:2], inputs).tanh()
    with scope("neuron"):
        second = dot(weights[2:], inputs).tanh()
    return inputs, weights, first + second


def test_a_leaf_used_only_inside_one_group_is_its_parameter_and_drawn_in_it() -> None:
    inputs, _, out = two_neurons()
    by_label = {node.label: node for node in describe(out).values}
    assert (by_label["w0"].role, by_label["w0"].group) == ("parameter", "s0")
    assert (by_label["v1"].role, by_label["v1"].group) == ("parameter", "s1")
    assert (by_label["x0"].role, by_label["x0"].group) == ("input", None)  # used by both neurons
    collapsed = describe(out, ModelOptions.build(collapse=True))
    assert {node.label for node in collapsed.values} == {"x0", "x1", ""}  # weights hidden in their neurons
    assert [collapsed.edge(e).source for e in collapsed.gate("s0").inputs] == [collapsed.value_ids[x] for x in inputs]


def test_explicit_parameters_override_the_one_group_rule() -> None:
    # with one neuron the inputs are also used in one group only; naming the parameters settles it
    inputs = [Value(1.0, label="x0"), Value(-2.0, label="x1")]
    weights = [Value(0.5, label="w0"), Value(0.25, label="w1")]
    with scope("neuron"):
        out = dot(weights, inputs).tanh()
    roles = {n.label: n.role for n in describe(out).values if n.label}
    assert roles == dict.fromkeys(["w0", "x0", "w1", "x1"], "parameter")
    model = describe(out, ModelOptions.build(parameters=weights, collapse=True))
    assert {n.label: n.role for n in model.values if n.label} == {"x0": "input", "x1": "input"}
    assert [model.value(model.edge(e).source).label for e in model.gate("s0").inputs] == ["x0", "x1"]


def test_collapsing_a_group_keeps_its_outputs_and_records_its_jacobian() -> None:
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    with scope("pair"):
        product = a * b
        total = a + b
        both = product.exp()
    out = both * total
    out.backward()
    # a and b are inputs, not the pair's parameters
    model = describe(out, ModelOptions.build(collapse=["pair"], parameters=()))
    gate = model.gate("s0")
    outputs = sorted((total, both), key=lambda v: int(model.value_ids[v][1:]))  # in topological order
    assert list(gate.outputs) == [model.value_ids[v] for v in outputs]
    assert [model.edge(e).source for e in gate.inputs] == [model.value_ids[a], model.value_ids[b]]
    for k, output in enumerate(outputs):
        expected = gradients(output, [a, b])
        assert tuple(model.edge(e).local_grads[k] for e in gate.inputs) == pytest.approx(expected, rel=1e-15)
    # the gradient flowing back along each input edge sums the outputs' contributions: the inputs' own gradients
    assert model.edge_gradient("s0_in0") == pytest.approx(a.grad, rel=1e-14)
    assert model.edge_gradient("s0_in1") == pytest.approx(b.grad, rel=1e-14)
    assert model.hidden_in == {model.value_ids[product]: "s0"}


def test_edge_gradients_sum_to_the_value_gradient_at_a_fork() -> None:
    x = Value(1.5, label="x")
    out = x * x + x.exp()
    out.backward()
    model = describe(out)
    into = [edge.id for edge in model.edges if edge.source == "n0"]
    assert len(into) == 3
    assert sum(model.edge_gradient(e) or 0.0 for e in into) == pytest.approx(x.grad, rel=1e-15)


def test_nested_groups_collapse_by_name_or_path() -> None:
    x = Value(1.0, label="x")
    with scope("layer"):
        with scope("neuron"):
            a = x * 2
        with scope("neuron"):
            b = x * 3
        out = a + b
    model = describe(out, ModelOptions.build(collapse=["layer/neuron"]))
    assert [g.id for g in model.gates if g.collapsed] == ["s1", "s2"]
    assert {g.id: (g.collapsed, g.hidden) for g in model.groups} == {
        "s0": (False, False), "s1": (True, False), "s2": (True, False),
    }
    assert model.gate("s1").group == "s0"  # the collapsed neuron sits in the layer's box
    outer = describe(out, ModelOptions.build(collapse=True))
    assert [g.id for g in outer.gates] == ["s0"]
    assert {g.id: (g.collapsed, g.hidden) for g in outer.groups} == {
        "s0": (True, False), "s1": (False, True), "s2": (False, True),
    }


def test_unknown_group_name_is_an_error_naming_the_groups() -> None:
    x = Value(1.0)
    with scope("gate"):
        y = x.exp()
    with pytest.raises(ValueError, match=r"no group named 'gates'.*\['gate'\]"):
        describe(y, ModelOptions.build(collapse=["gates"]))


def test_with_gradients_relabels_without_changing_ids() -> None:
    x = Value(2.0, label="x")
    out = x * x
    out.backward()
    model = describe(out)
    frame = model.with_gradients({"n0": None, "n1": 1.0})
    assert [node.grad for node in frame.values] == [None, 1.0]
    assert [n.id for n in frame.values] == [n.id for n in model.values] and frame.edges == model.edges
    assert isinstance(frame, GraphModel) and frame.value("n0").grad is None
    with pytest.raises(KeyError, match="n9"):
        model.with_gradients({"n9": 0.0})


def test_non_finite_values_are_described_as_they_are() -> None:
    x = Value(0.0, label="x")
    out = x.log()
    out.backward()
    model = describe(out)
    assert model.value("n1").data == -math.inf and model.value("n0").grad == math.inf


def test_describe_rejects_what_is_not_a_graph() -> None:
    with pytest.raises(TypeError, match="needs a Value, got float"):
        describe(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes"):
        describe(Value(1.0), ModelOptions.build(max_nodes=0))


def test_each_value_names_its_gate_and_each_gate_its_edges_by_position() -> None:
    circuit = sigmoid_circuit()
    model = describe(circuit["f"], ModelOptions.build(collapse=["sigmoid gate"]))
    for node in model.values:
        if node.role in ("input", "parameter"):
            assert node.gate is None
        else:
            assert node.id in model.gate(node.gate or "").outputs
    for gate in model.gates:
        assert [model.edge(edge).position for edge in gate.inputs] == list(range(len(gate.inputs)))
        assert len(gate.output_edges) == len(gate.outputs)
    (sigmoid,) = [gate for gate in model.gates if gate.collapsed is not None]
    assert model.value(sigmoid.outputs[0]).gate == sigmoid.id


def test_groups_read_like_the_course_notes_and_keep_their_names_as_handles() -> None:
    out = MLP(2, [4, 1], seed=0)([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    model = describe(out, ModelOptions.build(collapse=["layers.1.neurons.0"]))  # collapse still takes the name
    by_name = {group.name: group for group in model.groups}
    neuron = by_name["layers.1.neurons.0"]
    assert (neuron.title, neuron.full_title, neuron.collapsed) == ("neuron 0", "neuron 0 of layer 2", True)
    assert neuron.shown_title(boxed=True) == "neuron 0" and neuron.shown_title(boxed=False) == "neuron 0 of layer 2"
    layer = by_name["layers.0"]
    assert (layer.title, layer.full_title, layer.shown_title(boxed=True)) == ("layer 1", "layer 1", "layer 1")
    # inside a neuron's box its weights read w0, w1, …, b; the activations it gets keep their names
    inputs = [model.value(model.edge(edge).source) for edge in model.gate(neuron.id).inputs]
    assert [node.label for node in inputs if node.label.startswith("h")] == [f"h1[{i}]" for i in range(4)]
    lone = describe(Neuron(2, seed=0)([Value(1.0, label="x0"), Value(2.0, label="x1")]))
    assert [node.shown_label(True) for node in lone.values if node.role == "parameter"] == ["w0", "x0", "w1", "x1", "b"]


def test_a_scope_without_a_title_is_written_by_its_name() -> None:
    x = Value(1.0)
    with scope("sigmoid gate"):
        y = 1 / (1 + (-x).exp())
    (group,) = describe(y).groups
    assert group.title == group.full_title == "sigmoid gate"
