"""nn.load: a model rebuilt from its file alone; old files without an architecture still load into a model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nn
from autograd import Value
from nn import MLP, BatchNorm, Elementwise, Layer, Maxout, Neuron, Sequential, StateError
from nn.module import Module


def model_kinds() -> list[Module]:
    return [
        MLP(2, [4, 4, 1], activation="tanh", output_activation="sigmoid", seed=0),
        MLP(3, [2], activation="gelu", fused=False, scoped=False, seed=1),
        Layer(3, 2, activation="leaky_relu", seed=2),
        Neuron(2, activation=None, seed=3),
        Maxout(2, 2, pieces=3, seed=4),
        BatchNorm(3, eps=1e-3, momentum=0.2),
        Sequential(Layer(2, 3, activation=None, seed=5), BatchNorm(3), Elementwise("tanh"), MLP(3, [2, 1], seed=6)),
    ]


@pytest.mark.parametrize("model", model_kinds(), ids=lambda m: type(m).__name__)
def test_load_rebuilds_the_model_with_its_weights_and_buffers(model: Module, tmp_path: Path) -> None:
    for module in model.modules():  # move every number off its initial value, buffers included
        for offset, (_, value) in enumerate(module.local_parameters() + module.local_buffers()):
            value.data += 0.25 + offset / 7
    path = tmp_path / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert type(loaded) is type(model) and repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()
    assert loaded.architecture() == model.architecture()


def test_a_rebuilt_model_computes_what_the_saved_one_did(tmp_path: Path) -> None:
    model = MLP(2, [8, 1], activation="tanh", seed=0)
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert loaded([0.3, -0.7]).data == model([0.3, -0.7]).data  # type: ignore[union-attr]


def test_an_old_file_without_architecture_loads_into_a_model_and_says_so_to_nn_load(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    path = tmp_path / "old.json"
    model.save(path)
    document = json.loads(path.read_text())
    del document["architecture"]
    path.write_text(json.dumps(document))
    assert MLP(2, [3, 1], seed=9).load(path).state_dict() == model.state_dict()
    with pytest.raises(StateError, match=r"records no architecture .* call model.load\(path\)"):
        nn.load(path)


def test_an_activation_given_as_its_function_saves_its_architecture(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], activation=Value.tanh, seed=0)
    model.save(tmp_path / "tanh.json")
    loaded = nn.load(tmp_path / "tanh.json")
    assert isinstance(loaded, MLP) and loaded.state_dict() == model.state_dict()
    assert [layer.neurons[0].activation_name for layer in loaded.layers] == ["tanh", "identity"]


def test_a_custom_function_named_like_an_activation_is_called_custom() -> None:
    def tanh(v: Value) -> Value:
        return v.tanh()

    model = MLP(2, [3, 1], activation=tanh, seed=0)
    assert (model.architecture(), model.layers[0].neurons[0].activation_name) == (None, "custom tanh")


def test_a_custom_activation_saves_weights_only(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], activation=lambda v: v.tanh(), seed=0)
    assert model.architecture() is None
    model.save(tmp_path / "custom.json")
    assert "architecture" not in json.loads((tmp_path / "custom.json").read_text())
    with pytest.raises(StateError, match="records no architecture"):
        nn.load(tmp_path / "custom.json")


@pytest.mark.parametrize(
    ("architecture", "message"),
    [
        ({"kind": "Transformer"}, "unknown module kind 'Transformer'"),
        ({"kind": "MLP", "nin": 2, "nouts": [3, 1], "depth": 3}, "cannot build the MLP: .*depth"),
        ({"kind": "MLP", "nin": -2, "nouts": [3, 1]}, "cannot build the MLP: MLP: nin must be at least 1"),
        ({"kind": "Sequential", "modules": 3}, "a Sequential needs a list of 'modules'"),
        ([1, 2], "the architecture must be an object, got list"),
    ],
    ids=["unknown kind", "unknown argument", "bad size", "bad Sequential", "not an object"],
)
def test_a_bad_architecture_is_a_state_error(architecture: object, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    MLP(2, [3, 1], seed=0).save(path)
    document = json.loads(path.read_text())
    document["architecture"] = architecture
    path.write_text(json.dumps(document))
    with pytest.raises(StateError, match=message):
        nn.load(path)


def test_an_architecture_of_another_shape_than_the_weights_is_a_state_error(tmp_path: Path) -> None:
    path = tmp_path / "mismatch.json"
    MLP(2, [3, 1], seed=0).save(path)
    document = json.loads(path.read_text())
    document["architecture"]["nouts"] = [4, 1]
    path.write_text(json.dumps(document))
    with pytest.raises(StateError, match=r"'layers\.0\.neurons\.3\.w\.0'"):
        nn.load(path)


def test_deeply_nested_sequentials_are_a_state_error_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    Neuron(2, seed=0).save(path)
    document = json.loads(path.read_text())
    document["module"], document["architecture"] = "Sequential", "ARCHITECTURE"
    depth = 600  # JSON reads it, but building it recurses deeper than Python allows
    nested = '{"kind": "Sequential", "modules": [' * depth + '{"kind": "Neuron", "nin": 2}' + "]}" * depth
    path.write_text(json.dumps(document).replace('"ARCHITECTURE"', nested))
    with pytest.raises(StateError, match="nested too deeply"):
        nn.load(path)
