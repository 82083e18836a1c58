"""Each drawing option is declared once: the keywords, the defaults and the checks all read its field."""

from __future__ import annotations

import ast
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

import viz.model
from viz.model.options import ModelKeywords, ModelOptions
from viz.network.draw import NetworkKeywords, NetworkOptions
from viz.option_fields import default_of, option_names
from viz.options import (
    PLAYER_DRAWING,
    STATIC_DRAWING,
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
    model, drawing = STATIC_DRAWING.build("draw", {})
    assert model == ModelOptions() and drawing == DrawOptions() == DrawOptions.build()
    assert drawing.rankdir == default_of(DrawOptions, "rankdir") == "LR"
    player_model, player_drawing = PLAYER_DRAWING.build("backprop_steps", {"style": None})
    assert player_model == model and player_drawing == DrawOptions(style="circuit")
    assert NetworkOptions().number_format.digits == 3 and NetworkOptions().max_units == 10


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
