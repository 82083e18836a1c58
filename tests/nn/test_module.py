"""Module: parameter order, train/eval, state dicts, and save/load with every kind of bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograd import Value
from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.normalization import BatchNorm
from nn.state_file import FORMAT, StateError


class Block(Module):
    """A small composite module: a layer, then batch norm (to have buffers in the state)."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = Layer(2, 3, seed=1, name="layer")
        self.norm = BatchNorm(3, name="norm")

    def named_children(self) -> list[tuple[str, Module]]:
        return [("layer", self.layer), ("norm", self.norm)]


def test_zero_grad_train_and_eval_reach_every_submodule() -> None:
    block = Block()
    for p in block.parameters():
        p.grad = 1.0
    block.zero_grad()
    assert all(p.grad == 0.0 for p in block.parameters())
    assert block.eval() is block
    assert not any(m.training for m in block.modules())
    block.train()
    assert all(m.training for m in block.modules())
    assert len(block.modules()) == 1 + 1 + 3 + 1


def test_state_dict_lists_parameters_then_buffers_in_model_order() -> None:
    names = list(Block().state_dict())
    assert names[:4] == ["layer.neurons.0.w.0", "layer.neurons.0.w.1", "layer.neurons.0.b", "layer.neurons.1.w.0"]
    assert names[9:] == [
        "norm.gamma.0", "norm.gamma.1", "norm.gamma.2", "norm.beta.0", "norm.beta.1", "norm.beta.2",
        "norm.running_mean.0", "norm.running_mean.1", "norm.running_mean.2",
        "norm.running_var.0", "norm.running_var.1", "norm.running_var.2",
    ]  # fmt: skip


def test_load_state_dict_round_trip_copies_every_number() -> None:
    source, target = MLP(2, [4, 2], seed=1), MLP(2, [4, 2], seed=2)
    assert source.state_dict() != target.state_dict()
    target.load_state_dict(source.state_dict())
    assert source.state_dict() == target.state_dict()
    # copies numbers, never shares Values
    assert all(a is not b for a, b in zip(source.parameters(), target.parameters(), strict=True))


def test_save_load_round_trip_is_bit_identical_including_buffers(tmp_path: Path) -> None:
    block = Block()
    block.norm([[1.0, 2.0, 3.0], [0.5, -1.0, 7.0]])  # moves the running statistics
    for p in block.parameters():
        p.data = p.data / 3.0 + 1e-17  # numbers with long decimal expansions
    path = tmp_path / "block.json"
    block.save(path)
    restored = Block()
    assert restored.load(path) is restored
    assert restored.state_dict() == block.state_dict()
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT and document["version"] == 1 and document["module"] == "Block"
    assert list(document["state"]) == list(block.state_dict())


def test_a_loaded_model_computes_the_same_outputs(tmp_path: Path) -> None:
    model = MLP(3, [5, 5, 2], activation="tanh", seed=3)
    model.save(tmp_path / "model.json")
    copy = MLP(3, [5, 5, 2], activation="tanh", seed=99).load(tmp_path / "model.json")
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in model(x)] == [v.data for v in copy(x)]  # type: ignore[union-attr]


def test_save_is_atomic_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=0)
    model.save(path)
    original = path.read_bytes()
    model.parameters()[0].data = 123.0

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_save_refuses_non_finite_numbers_and_writes_nothing(tmp_path: Path) -> None:
    model = Neuron(2, seed=0)
    model.w[1].data = float("nan")
    with pytest.raises(StateError, match=r"cannot save: 'w.1' is not finite \(nan\)"):
        model.save(tmp_path / "n.json")
    assert list(tmp_path.iterdir()) == []


def good_document(model: Module) -> dict[str, object]:
    return {"format": FORMAT, "version": 1, "module": type(model).__name__, "state": model.state_dict()}


def with_state(model: Module, changes: dict[str, object]) -> dict[str, object]:
    """The good document with some state entries replaced (or removed, for the value ``REMOVE``)."""
    document = good_document(model)
    state = dict(model.state_dict())
    for name, value in changes.items():
        if value is REMOVE:
            del state[name]
        else:
            state[name] = value  # type: ignore[assignment]
    document["state"] = state
    return document


REMOVE = object()
W10 = "layers.0.neurons.1.w.0"
B01 = "layers.0.neurons.1.b"


def bad_files(model: MLP) -> list[tuple[str, str, str]]:
    """(case id, file text, expected message) for every way a file can fail to fit ``MLP(2, [3, 1])``."""
    other = MLP(2, [4, 1], seed=0)
    wider_input = MLP(3, [3, 1], seed=0)
    cases: list[tuple[str, object, str]] = [
        ("missing name", with_state(model, {"layers.1.neurons.0.b": REMOVE}), "'layers.1.neurons.0.b' is missing"),
        ("unexpected name", with_state(model, {"layers.0.extra": 1.0}), "unexpected name 'layers.0.extra'"),
        ("more neurons", good_document(other), "'layers.0.neurons.3.w.0'"),
        ("shape mismatch", good_document(wider_input), "shape mismatch for 'layers.0.neurons.0.w': 3 value"),
        ("string value", with_state(model, {W10: "0.5"}), f"'{W10}' must be a number, got str"),
        ("null value", with_state(model, {B01: None}), f"'{B01}' must be a number, got NoneType"),
        ("bool value", with_state(model, {B01: True}), "must be a number, got bool"),
        ("list value", with_state(model, {B01: [1.0]}), "must be a number, got list"),
        ("huge int", with_state(model, {B01: 10**400}), "an integer of 401 digits is too large"),
        ("version true", {**good_document(model), "version": True}, "unsupported version True"),
        ("version 1.0", {**good_document(model), "version": 1.0}, "unsupported version 1.0"),
        ("wrong module", {**good_document(model), "module": "Layer"}, "the file holds a 'Layer', the model is a 'MLP'"),
        ("wrong format", {**good_document(model), "format": "pickle"}, "not a gradtrace state file"),
        ("no format", {"state": {}}, "not a gradtrace state file"),
        ("wrong version", {**good_document(model), "version": 2}, "unsupported version 2"),
        ("state not object", {**good_document(model), "state": [1, 2]}, "'state' must be an object"),
        ("top level list", [1, 2, 3], "expected a JSON object, got list"),
    ]
    texts = [(case, json.dumps(document), message) for case, document, message in cases]
    good = json.dumps(good_document(model))
    name = "layers.0.neurons.2.w.1"
    nan_text = good.replace(f'"{name}": {model.state_dict()[name]!r}', f'"{name}": NaN')
    inf_text = good.replace(f'"{name}": {model.state_dict()[name]!r}', f'"{name}": -Infinity')
    overflow_text = good.replace(f'"{name}": {model.state_dict()[name]!r}', f'"{name}": 1e999')
    assert nan_text != good and inf_text != good and overflow_text != good
    huge_text = good.replace(f'"{name}": {model.state_dict()[name]!r}', f'"{name}": {"9" * 5000}')
    deep_text = good[:-1] + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    texts += [
        ("5,000-digit int", huge_text, "an integer of 5000 digits is too large"),
        ("deeply nested", deep_text, "nested too deeply"),
        ("nan", nan_text, f"'{name}' is not finite \\(nan\\)"),
        ("infinity", inf_text, f"'{name}' is not finite \\(-inf\\)"),
        ("overflowing literal", overflow_text, f"'{name}' is not finite"),
        ("truncated", good[: len(good) // 2], "malformed JSON: .* at line 1 column"),
        ("empty", "", "malformed JSON: Expecting value at line 1 column 1"),
        ("trailing garbage", good + "}", "malformed JSON: Extra data"),
        ("duplicate key", good[:-2] + ', "layers.0.neurons.0.b": 1.0}}', "key 'layers.0.neurons.0.b' appears twice"),
    ]
    return texts


BAD_CASES = [case for case, _, _ in bad_files(MLP(2, [3, 1], seed=0))]


@pytest.mark.parametrize("case", BAD_CASES)
def test_every_bad_file_raises_naming_the_problem_and_leaves_the_model_untouched(case: str, tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    text, message = next((text, message) for name, text, message in bad_files(model) if name == case)
    path = tmp_path / "bad.json"
    path.write_text(text)
    target = MLP(2, [3, 1], seed=7)
    before = target.state_dict()
    with pytest.raises(StateError, match=message) as caught:
        target.load(path)
    assert str(path) in str(caught.value)
    assert target.state_dict() == before


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(StateError, match="not UTF-8 text"):
        MLP(2, [3, 1], seed=0).load(path)


def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        MLP(2, [3, 1], seed=0).load(tmp_path / "nowhere.json")


def test_load_state_dict_validates_before_writing() -> None:
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = dict(before)
    state["layers.0.neurons.0.w.0"] = 5.0  # a good change early ...
    state["layers.1.neurons.0.b"] = float("inf")  # ... and a bad one late: nothing may be written
    with pytest.raises(StateError, match=r"state: 'layers\.1\.neurons\.0\.b' is not finite"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(StateError, match="expected a mapping of names to numbers, got list"):
        model.load_state_dict([1.0])  # type: ignore[arg-type]


def test_parameters_are_the_same_values_the_graph_uses() -> None:
    neuron = Neuron(2, activation=None, seed=0)
    out = neuron([Value(1.0), Value(2.0)])
    assert set(map(id, out.inputs)) >= set(map(id, neuron.parameters()))
