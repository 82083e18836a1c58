"""nn.load: a model rebuilt from its file alone; old files without an architecture still load into a model."""

from __future__ import annotations

import copy
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
        ({"kind": "MLP", "nin": 2, "nouts": [3, 1], "fused": "no"}, "cannot build the MLP: MLP: fused must be True or"),
        ({"kind": "MLP", "nin": 2, "nouts": [3, 1], "scoped": 0}, "cannot build the MLP: MLP: scoped must be True or"),
        ({"kind": "Layer", "nin": 2.5, "nout": 1}, "cannot build the Layer: Layer: nin must be an int, got float"),
        ({"kind": "MLP", "nin": 2, "nouts": "31"}, "cannot build the MLP: MLP: nouts must be a list"),
    ],
    ids=["unknown kind", "unknown argument", "bad size", "bad Sequential", "not an object", "fused str", "scoped int",
         "nin float", "nouts str"],
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
    with pytest.raises(StateError, match=r"the architecture implies 17 numbers .*, the file's state holds 13"):
        nn.load(path)


def test_an_architecture_of_the_same_size_but_another_shape_names_the_first_weight_it_lacks(tmp_path: Path) -> None:
    """The count agrees, so the model is built (small, as the file is) and the names tell the difference."""
    path = tmp_path / "same-size.json"
    Layer(3, 2, seed=0).save(path)  # 2 neurons of 3 weights and a bias: 8 numbers, as Layer(1, 4) has
    document = json.loads(path.read_text())
    document["architecture"].update(nin=1, nout=4)
    path.write_text(json.dumps(document))
    with pytest.raises(StateError, match=r"'neurons\.2\.w\.0' is missing"):
        nn.load(path)


def peak_memory_of_a_refused_load(path: Path, message: str) -> int:
    """The most memory Python held at once (tracemalloc) while ``nn.load(path)`` raised a StateError matching it."""
    tracemalloc.start()
    try:
        with pytest.raises(StateError, match=message):
            nn.load(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


HUGE_SHAPES = [
    {"kind": "Layer", "nin": 100_000_000, "nout": 1},
    {"kind": "MLP", "nin": 2, "nouts": [10**9, 1]},
    {"kind": "Maxout", "nin": 2, "nout": 1, "pieces": 10**8},
    {"kind": "BatchNorm", "n": 10**8},
    {"kind": "Neuron", "nin": 10**12},
    {"kind": "Sequential", "modules": [{"kind": "Elementwise", "activation": "elu"}, {"kind": "BatchNorm", "n": 9**9}]},
]


@pytest.mark.parametrize("architecture", HUGE_SHAPES, ids=lambda a: str(a["kind"]))
def test_a_small_file_claiming_a_huge_shape_is_refused_before_anything_is_built(
    architecture: dict[str, object], tmp_path: Path
) -> None:
    """Issue 20, item 1: a 140-byte file naming a Layer of 10**8 inputs allocated gigabytes before any check."""
    path = tmp_path / "huge.json"
    document = {"format": "gradtrace-state", "version": 1, "module": architecture["kind"], "state": {}}
    path.write_text(json.dumps({**document, "architecture": architecture}))
    assert path.stat().st_size < 250
    peak = peak_memory_of_a_refused_load(path, r"the architecture implies \d+ numbers .*, the file's state holds 0")
    assert peak < 1_000_000, f"{peak} bytes to refuse a {path.stat().st_size}-byte file"  # building took gigabytes


@pytest.mark.parametrize(
    "architecture",
    [{"kind": "MLP", "nin": 1, "nouts": [1] * 1_000_000}, {"kind": "MLP", "nin": 1, "nouts": [1000] * 1_000}],
    ids=["a million layers", "a thousand wide layers"],
)
def test_many_layers_are_counted_not_built(architecture: dict[str, object], tmp_path: Path) -> None:
    """A million layers of width 1 took 33 s and 1.7 GB before the StateError: the count needs only the list."""
    path = tmp_path / "deep.json"
    path.write_text(json.dumps({"format": "gradtrace-state", "version": 1, "module": "MLP", "state": {"b": 1.0},
                                "architecture": architecture}))  # fmt: skip
    size = path.stat().st_size
    peak = peak_memory_of_a_refused_load(path, r"the file's state holds 1$")
    assert peak < 20 * size + 1_000_000, f"{peak} bytes for a {size}-byte file"  # the parsed JSON, not a model


def test_a_list_as_kind_is_a_state_error(tmp_path: Path) -> None:
    path = tmp_path / "list-kind.json"
    path.write_text(json.dumps({"format": "gradtrace-state", "version": 1, "module": "MLP", "state": {},
                                "architecture": {"kind": ["MLP"], "nin": 1, "nouts": [1]}}))  # fmt: skip
    with pytest.raises(StateError, match=r"unknown module kind \['MLP'\]"):
        nn.load(path)


def test_load_reads_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading it twice let a save in between mix the architecture of one save with the weights of another."""
    path = tmp_path / "once.json"
    MLP(2, [3, 1], seed=0).save(path)
    opened: list[object] = []
    real_open = open

    def counting_open(file: object, *args: object, **kwargs: object) -> object:
        opened.append(file)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", counting_open)
    nn.load(path)
    assert opened.count(str(path)) == 1


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


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLP(np.int64(2), [np.int64(3), np.int32(1)], seed=0),
        lambda: Layer(np.int64(2), np.uint8(3), seed=0),
        lambda: Neuron(np.int16(2), seed=0),
        lambda: Maxout(np.int64(2), np.int64(1), pieces=np.int64(2), seed=0),
        lambda: BatchNorm(np.int64(2), eps=np.float32(1e-3), momentum=np.float64(0.2)),
    ],
    ids=["MLP", "Layer", "Neuron", "Maxout", "BatchNorm"],
)
def test_sizes_given_as_numpy_numbers_save_as_plain_numbers(make: Callable[[], Module], tmp_path: Path) -> None:
    """Issue 20, item 8: MLP(2, [np.int64(3), 1]).save(p) raised "Object of type int64 is not JSON serializable"."""
    model = make()
    model.save(tmp_path / "numpy.json")
    architecture = model.architecture()
    assert architecture is not None
    assert all(type(value) in (str, bool, int, float, list) for value in architecture.values())
    assert nn.load(tmp_path / "numpy.json").state_dict() == model.state_dict()


def test_a_sequential_nested_400_deep_saves_and_loads(tmp_path: Path) -> None:
    """Issue 20, item 15: saving a Sequential nested 400 deep raised RecursionError (architecture() recursed)."""
    model: Module = Layer(2, 1, seed=0)
    for _ in range(400):
        model = Sequential(model)
    assert model.named_parameters()[-1][0] == "0." * 400 + "neurons.0.b"
    model.save(tmp_path / "deep.json")
    loaded = nn.load(tmp_path / "deep.json")
    assert loaded.state_dict() == model.state_dict() and loaded.architecture() == model.architecture()
    assert repr(loaded) == "Sequential(" * 400 + "Layer(2, 1, activation='relu')" + ")" * 400


def test_a_sequential_nested_too_deeply_for_json_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    model: Module = Neuron(1, seed=0)
    for _ in range(1000):  # deeper than Python recurses: Module walks its tree with a stack
        model = Sequential(model)
    assert len(model.modules()) == 1001 and len(model.state_dict()) == 2
    with pytest.raises(StateError, match="cannot save: the architecture is nested too deeply to write as JSON"):
        model.save(tmp_path / "deeper.json")
    assert list(tmp_path.iterdir()) == []


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.sampled_from([0, 1, 2, -1, 10**8, 10**12, 2.5, "relu", "no", "Sequential", "MLP", "kind", "\ud800"])
    | st.integers(-5, 50)
)
JSON_VALUES = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["kind", "nin", "nout",
    "nouts", "n", "pieces", "modules", "activation", "fused"]), inner, max_size=3), max_leaves=6
)  # fmt: skip
SAVED = {type(model).__name__: json.loads(json.dumps({"architecture": model.architecture(),
         "state": model.state_dict()})) for model in model_kinds()}  # fmt: skip


def places(tree: object) -> list[tuple[Any, Any]]:
    """Every (container, key or index) inside a JSON tree, parents before children."""
    found: list[tuple[Any, Any]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            found.append((node, key))
            stack.append(node[key])
    return found


@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_fuzzed_architecture_loads_or_is_a_state_error_in_little_memory(data: st.DataObject, tmp_path: Path) -> None:
    """Adversarial round for issue 20 item 1: any edit of a saved architecture gives a model or a StateError, and
    refusing never builds a model bigger than the file's weights."""
    kind = data.draw(st.sampled_from(sorted(SAVED)))
    document = copy.deepcopy(SAVED[kind])
    for _ in range(data.draw(st.integers(1, 3))):
        container, key = data.draw(st.sampled_from(places(document["architecture"])))
        container[key] = data.draw(JSON_VALUES)
    path = tmp_path / "fuzzed.json"
    path.write_text(json.dumps({"format": "gradtrace-state", "version": 1, "module": kind, **document}))
    tracemalloc.start()
    try:
        loaded = nn.load(path)
        assert loaded.state_dict() == document["state"]
    except StateError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 5_000_000
