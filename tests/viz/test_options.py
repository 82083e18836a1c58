"""Each drawing option is declared once: the keywords, the defaults and the checks all read its field."""

from __future__ import annotations

import ast
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

import viz.model
from autograd import Value
from nn import MLP
from viz.model.graph_model import GraphModel, describe
from viz.model.options import ModelKeywords, ModelOptions
from viz.network.draw import NetworkKeywords, NetworkOptions
from viz.option_fields import default_of, option_names
from viz.options import (
    PLAYER_DRAWING,
    STATIC_DRAWING,
    DrawingKind,
    DrawKeywords,
    DrawOptions,
    GraphKeywords,
    SharedKeywords,
    SharedOptions,
)

DECLARED: list[tuple[Any, type[Any]]] = [
    (ModelKeywords, ModelOptions),
    (SharedKeywords, SharedOptions),
    (DrawKeywords, DrawOptions),
    (NetworkKeywords, NetworkOptions),
]


@pytest.mark.parametrize(("keywords", "options"), DECLARED, ids=lambda item: item.__name__)
def test_the_typed_keywords_are_the_fields(keywords: Any, options: type[Any]) -> None:
    assert sorted(keywords.__optional_keys__) == sorted(option_names(options))
    assert sorted(GraphKeywords.__optional_keys__) == sorted([*option_names(ModelOptions), *option_names(DrawOptions)])


@pytest.mark.parametrize("options", [options for _, options in DECLARED], ids=lambda item: item.__name__)
def test_every_option_has_a_check_and_the_shared_ones_are_declared_once(options: type[Any]) -> None:
    for item in fields(options):
        assert item.init == ("check" in item.metadata), item.name  # number_format is made from precision/decimals
    if issubclass(options, SharedOptions):
        shared = {item.name: item for item in fields(SharedOptions)}
        assert all(item is shared[item.name] for item in fields(options) if item.name in shared)


def test_no_keywords_give_the_declared_defaults() -> None:
    request = STATIC_DRAWING.build("draw", {})
    model, drawing = request.model_options, request.drawing_for(_not_a_network())
    assert model == ModelOptions() and drawing == DrawOptions() == DrawOptions.build()
    assert drawing.rankdir == default_of(DrawOptions, "rankdir") == "LR"
    player = PLAYER_DRAWING.build("backprop_steps", {"style": None})
    assert player.model_options == model and player.drawing_for(_not_a_network()) == DrawOptions(style="circuit")
    assert NetworkOptions().number_format.digits == 3 and NetworkOptions().max_units == 10


def _not_a_network() -> GraphModel:
    return describe(Value(2.0, label="x") * 3.0)


def _network() -> GraphModel:
    return describe(MLP(2, [2, 1], seed=0)([0.5, -1.0]))


@pytest.mark.parametrize(("kind", "style", "network", "other"), [
    (STATIC_DRAWING, None, "circuit", "graph"),
    (STATIC_DRAWING, "graph", "graph", "graph"),
    (STATIC_DRAWING, "circuit", "circuit", "circuit"),
    (PLAYER_DRAWING, None, "circuit", "circuit"),
    (PLAYER_DRAWING, "graph", "graph", "graph"),
])
def test_the_default_style_is_picked_by_the_model_and_a_given_style_is_kept(
    kind: DrawingKind, style: str | None, network: str, other: str,
) -> None:
    """No style given: a static drawing draws a network as the course does (circuit), anything else as micrograd
    (graph); a player draws both as circuits. The style picks the number format, which precision still overrides."""
    request = kind.build("draw", {"style": style} if style else {})
    assert request.drawing_for(_network()).style.name == network
    assert request.drawing_for(_not_a_network()).style.name == other
    assert request.drawing_for(_network()).number_format == DrawOptions(style=network).number_format  # type: ignore[arg-type]
    assert kind.build("draw", {"precision": 3}).drawing_for(_network()).number_format.digits == 3


def test_nested_user_scopes_are_a_network_and_flat_ones_are_not() -> None:
    from autograd import scope

    a = Value(1.0, label="a")
    with scope("outer"), scope("inner"):
        nested = a * 2.0
    with scope("flat"):
        flat = a * 2.0
    request = STATIC_DRAWING.build("draw", {})
    assert request.drawing_for(describe(nested + 1.0)).style.name == "circuit"
    assert request.drawing_for(describe(flat + 1.0)).style.name == "graph"


def test_a_bad_option_is_named_before_the_graph_is_described() -> None:
    with pytest.raises(ValueError, match="style"):
        STATIC_DRAWING.build("draw", {"style": "gates"})
    with pytest.raises(TypeError, match="legend must be True or False"):
        STATIC_DRAWING.build("draw", {"legend": "no"})


def test_checks_hold_for_every_construction_not_only_keywords() -> None:
    drawing = DrawOptions()
    with pytest.raises(ValueError, match="gradient_scale must be a number of at least 0"):
        replace(drawing, gradient_scale=-1.0)
    with pytest.raises(TypeError, match="clusters must be True or False"):
        DrawOptions(clusters=1)  # type: ignore[arg-type]
    assert replace(drawing, style="circuit").number_format == DrawOptions(style="circuit").number_format  # type: ignore[arg-type]


def test_the_model_reads_nothing_of_the_styles() -> None:
    for path in Path(viz.model.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        assert not [name for name in modules if name.startswith(("viz.styles", "viz.options"))], path.name
