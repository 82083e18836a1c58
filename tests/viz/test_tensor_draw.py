"""``viz.draw`` of Tensor graphs: names and shapes, numbers for small matrices, pictures for large, within 900 px."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograd import Tensor, scalar_view, scope
from nn import MLP, binary_hinge, make_moons
from viz import draw
from viz.tensor_draw import draw_tensor


def _cs231n() -> Tensor:
    w = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
    x = Tensor([0.2, 0.4], label="x")
    f = ((w @ x) ** 2).sum()
    f.backward()
    return f


def _width_px(svg: str) -> float:
    points = float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    return points * 96 / 72


def test_small_matrices_show_names_shapes_values_and_gradients() -> None:
    source = draw(_cs231n()).source
    assert "<B>W</B>" in source and "2×2" in source and "<B>x</B>" in source
    for number in ("0.100", "-0.300", "0.220", "0.260", "0.116", "0.0880", "0.208", "-0.112", "0.636", "0.440"):
        assert f">{number}<" in source, number
    for gate in ("@", "x**2", "Σ"):
        assert f'label="{gate}"' in source or f"label={gate}" in source, gate


def test_before_backward_no_gradients_are_drawn_and_the_dot_text_is_deterministic() -> None:
    w = Tensor([[1.0, 2.0]], label="W")
    y = (w * 2.0).sum()
    assert 'SIDES="T"' not in draw(y).source  # the line above a gradient grid
    y.backward()
    assert 'SIDES="T"' in draw(y).source
    assert draw(y).source == draw(y).source
    assert 'label="x*2"' in draw(y).source


def test_large_matrices_are_a_picture_with_their_range_and_layers_are_boxes() -> None:
    moons = make_moons(100, seed=0)
    loss = binary_hinge(MLP(2, [16, 16, 1], seed=0)(Tensor(moons.X, label="X")), 2 * moons.y - 1)
    loss.backward()
    diagram = draw(loss)
    source = diagram.source
    assert "100×16" in source and "values " in source and "gradients " in source
    assert "layer 1" in source and "layer 2" in source and "<B>layers.0.W</B>" in source
    assert 'rankdir=TB' in source  # a long chain runs top to bottom, to fit a page's width
    assert _width_px(diagram.svg()) <= 900  # readable at 900 px: a column, layer after layer


def test_the_cs231n_drawing_fits_900_px() -> None:
    assert _width_px(draw(_cs231n()).svg()) <= 900


def test_tensors_made_in_a_scope_are_in_its_box() -> None:
    x = Tensor(np.ones((2, 2)), label="x")
    with scope("block", title="my block"):
        y = x.relu()
    source = draw_tensor(y.sum()).source
    assert "subgraph cluster_s0" in source and "my block" in source


def test_options_for_value_graphs_only_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"draw: a Tensor graph takes the options .*not 'collapse'"):
        draw(_cs231n(), collapse=True)
    with pytest.raises(ValueError, match="draw_tensor: max_cells must be a positive int, got 0"):
        draw_tensor(_cs231n(), max_cells=0)


@pytest.mark.parametrize("array", [np.zeros((0, 10)), np.zeros(0), np.full((8, 8), np.nan), np.zeros((2, 3, 4))],
                         ids=["empty rows", "empty vector", "all nan", "3-d"])
def test_empty_nan_and_many_axes_are_drawn(array: np.ndarray) -> None:
    t = Tensor(array, label="t")
    y = (t * 2.0).sum()
    y.backward()
    assert "<svg" in draw(y).svg()


def test_a_legend_says_how_to_read_a_box_unless_asked_not_to() -> None:
    assert "values</FONT> above, gradients below" in draw(_cs231n()).source
    assert "gradients below" not in draw(_cs231n(), legend=False).source
    with pytest.raises(TypeError, match="draw_tensor: legend must be True or False, got 'yes'"):
        draw_tensor(_cs231n(), legend="yes")  # type: ignore[typeddict-item]


def test_the_scalar_view_collapses_back_to_the_matrix_picture() -> None:
    scalars = scalar_view(_cs231n())
    scalars.backward()  # type: ignore[union-attr]
    expanded, collapsed = draw(scalars), draw(scalars, collapse=["W@x"])  # type: ignore[arg-type]
    assert expanded.source.count("label=dot") == 2 and "label=dot" not in collapsed.source
    assert "W@x" in collapsed.source and collapsed.node_count < expanded.node_count
