"""Drawing options and what each style writes."""

from __future__ import annotations

import pytest

from autograd import Value
from viz import PALETTES, DrawOptions, describe, draw, draw_model
from viz.labels import gate_text


def worked(out: Value) -> Value:
    out.backward()
    return out


@pytest.mark.parametrize(
    ("build", "text"),
    [
        (lambda x: -x, "x*(-1)"),
        (lambda x: 1 + x, "1+x"),
        (lambda x: x + 1, "x+1"),
        (lambda x: x + -3, "x+(-3)"),
        (lambda x: x - -1, "x-(-1)"),
        (lambda x: 1 / x, "1/x"),
        (lambda x: x / 2, "x/2"),
        (lambda x: 2 - x, "2-x"),
        (lambda x: x**2, "x**2"),
        (lambda x: 3 * x, "3*x"),
        (lambda x: x.exp(), "exp"),
        (lambda x: x.sigmoid(), "σ"),
        (lambda x: x.leaky_relu(0.1), "leaky_relu(x,0.1)"),
    ],
)
def test_circuit_gates_fold_their_constant(build: object, text: str) -> None:
    out = build(Value(0.5))  # type: ignore[operator]
    assert gate_text(out.op, out.const, out.const_left) == text
    source = draw(out, style="circuit").source
    assert f"label={text} " in source or f'label="{text}"' in source
    assert "_const" not in source  # no constant nodes in the circuit style


def test_graph_style_draws_a_constant_node_beside_its_op() -> None:
    source = draw(1 / Value(4.0, label="x")).source
    assert "g1_const [label=1 " in source and "g1_const -> g1" in source
    assert "rank=same" in source


def test_show_chooses_the_fields() -> None:
    out = worked(Value(2.0, label="x") * 3)
    assert "{x|data 2.000|grad 3.000}" in draw(out).source
    assert "{x|grad 3.000}" in draw(out, show=["label", "grad"]).source
    assert "{data 2.00}" in draw(out, show="data", decimals=2).source
    assert "{data 2.0}" in draw(out, show="data", precision=2).source
    circuit = draw(out, style="circuit", show=["data"], legend=False).source
    assert "3.00" not in circuit and "&#160;" in circuit  # the gradient row stays, empty, to keep the rule centred
    assert "x_name" not in draw(out, style="circuit", show=[]).source


def test_significant_digits_scientific_beyond_and_rankdir() -> None:
    out = worked(Value(1234.5678, label="x") * 1)
    assert "data 1235|" in draw(out).source and "data 1.23e5|" in draw(worked(Value(123456.7) * 1), precision=3).source
    tiny = worked(Value(0.002, label="t") * 1e6)
    assert "{t|data 0.002000|grad 1.000e6}" in draw(tiny).source
    assert "2.0e-3" in draw(tiny, style="circuit").source  # never a misleading 0.00
    top_down = draw(out, rankdir="TB").source
    assert "rankdir=TB" in top_down and "x|data 1235|grad 1.000" in top_down and "{x|" not in top_down
    assert "<VR/>" in draw(out, style="circuit", rankdir="TB").source


def test_palettes_change_the_colours() -> None:
    out = worked(Value(-2.0, label="x") * Value(3.0, label="y"))
    default = draw(out, style="circuit").source
    colorblind = draw(out, style="circuit", palette="colorblind").source
    assert PALETTES["default"].value_text in default and PALETTES["default"].value_text not in colorblind
    assert PALETTES["colorblind"].grad_text in colorblind and PALETTES["colorblind"].negative != "#d6604d"


def test_fill_encodes_sign_and_magnitude_with_a_legend() -> None:
    x, y = Value(-2.0, label="x"), Value(3.0, label="y")
    out = worked(x * y)
    source = draw(out).source
    palette = PALETTES["default"]
    # x.grad = 3 is the largest |gradient|: the strongest positive colour; y.grad = -2 a red tone
    assert 'n0 [label="{x|data -2.000|grad 3.000}"' in source
    assert "fillcolor=\"#5fa3cc\"" in source.split("n0 [", 1)[1].split("\n", 1)[0]
    # the legend's scale runs from -3 to 3, white at 0
    assert "gradient</FONT>" in source and ">-3.000</TD>" in source and ">3.000</TD>" in source
    assert f'BGCOLOR="{palette.neutral}" BORDER="1" COLOR="{palette.faint}" WIDTH="60">0.000' in source
    assert "gradient</FONT>" not in draw(out, legend=False).source


def test_a_player_can_redraw_a_relabelled_model_with_the_same_ids() -> None:
    out = worked(Value(2.0, label="x") * Value(3.0, label="y"))
    model = describe(out)
    options = DrawOptions.build(style="circuit", gradient_scale=3.0)
    before = draw_model(model.with_gradients({node.id: None for node in model.values}), options).source
    after = draw_model(model, options).source
    assert before.count("—</FONT>") == 3 and "—</FONT>" not in after.split("label=<<TABLE", 1)[1]
    ids = [line.split("id=")[1].split()[0] for line in after.splitlines() if "id=" in line]
    assert ids == [line.split("id=")[1].split()[0] for line in before.splitlines() if "id=" in line]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"style": "fancy"}, "unknown style 'fancy'"),
        ({"rankdir": "RL"}, "unknown rankdir 'RL'"),
        ({"show": ["value"]}, "unknown fields \\['value'\\]"),
        ({"precision": 2, "decimals": 2}, "not both"),
        ({"precision": -1}, "draw: precision must be an int from 1 to 17"),
        ({"precision": 2.5}, "precision must be an int"),
        ({"decimals": 18}, "decimals must be an int from 0 to 17"),
        ({"palette": "neon"}, "unknown palette 'neon'"),
        ({"on_overflow": "ignore"}, "on_overflow must be"),
    ],
)
def test_bad_options_are_clear_errors(options: dict[str, object], message: str) -> None:
    out = Value(1.0) * 2
    with pytest.raises(ValueError, match=message):
        draw(out, max_nodes=1, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # issue 20, item 15: collapse=None was "'NoneType' object is not iterable"
        ({"collapse": None}, "draw: collapse must be True, False, or group names (str), not None"),
        ({"collapse": [3]}, "draw: collapse must be True, False, or group names (str), not [3]"),
        ({"parameters": 3}, "draw: parameters must be Values (any iterable of them) or None, not 3"),
        ({"show": 3}, "draw: show must be field names (any of label, data, grad), not 3"),
        ({"clusters": "no"}, "draw: clusters must be True or False, not 'no'"),  # was taken as True
        ({"legend": "no"}, "draw: legend must be True or False, not 'no'"),
        ({"group_symbols": 3}, "draw: group_symbols must map group names to text (str to str), or be None; not 3"),
    ],
)
def test_options_of_the_wrong_type_are_named_not_raw(options: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError) as caught:
        draw(Value(1.0) * 2, **options)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_nodes": True}, "draw: max_nodes must be an int of at least 1, or None; not True"),  # was max_nodes=1
        ({"gradient_scale": "a"}, "draw: gradient_scale must be a number of at least 0, or None; not 'a'"),
    ],
)
def test_option_values_python_would_take_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        draw(Value(1.0) * 2, **options)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_a_user_gate_is_drawn_as_one_gate_with_its_symbol() -> None:
    import math

    from autograd import gate

    def squash(x: float) -> tuple[float, tuple[float]]:
        s = 1.0 / (1.0 + math.exp(-x))
        return s, (s * (1.0 - s),)

    squash_gate = gate(squash, symbol="σ")
    x = Value(1.0, label="x")
    out = squash_gate(x * 2.0)
    out.backward()
    source = draw(out, style="circuit").source
    assert source.count('label="σ"') == 1 and "squash" not in source
    assert gate_text(out.op, out.const, out.const_left) == "σ"
