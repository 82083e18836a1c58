"""``viz.draw`` of Tensor graphs: names and shapes, numbers for small matrices, pictures for large, within 900 px."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import numpy as np
import pytest

from autograd import Tensor, scalar_view, scope
from nn import MLP, binary_hinge, l2_regularization, make_moons
from viz import draw
from viz.number_format import NumberFormat, format_number
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


def _moons_loss(rows: int = 100) -> Tensor:
    """The demo's step on the matrix path: MLP(2, [16, 16, 1]), hinge loss + L2, on ``rows`` moons rows."""
    moons = make_moons(rows, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    loss = binary_hinge(model(Tensor(moons.X, label="X")), 2 * moons.y - 1) + l2_regularization(
        model.parameters(), 1e-4)
    loss.backward()
    return loss


def test_large_matrices_are_a_picture_with_their_range_and_layers_are_boxes() -> None:
    diagram = draw(_moons_loss())
    source = diagram.source
    assert "100×16" in source and "values " in source and "gradients " in source
    assert "layer 1" in source and "layer 3" in source and "<B>W1</B>" in source and "layers.0" not in source
    assert 'rankdir=TB' in source  # a long chain runs top to bottom, to fit a page's width
    width, height = _size_px(diagram.svg())
    assert width <= 900  # readable at 900 px: a column, layer after layer
    assert height <= 3600  # was 7,400 px with every op of every layer drawn


def _size_px(svg: str) -> tuple[float, float]:
    found = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert found is not None
    return float(found.group(1)) * 96 / 72, float(found.group(2)) * 96 / 72


def test_a_layer_is_one_box_with_its_equations_and_the_shapes_under_the_symbols() -> None:
    svg = draw(_moons_loss()).svg()
    texts = _texts(svg, "L1")
    at = texts.index("Z1")
    assert texts[at:at + 11] == ["Z1", "=", "X", "·", "W1", "+", "b1", "H1", "=", "relu(Z1)", "100×16"] or \
        [t for t in texts[at:at + 22] if t in ("Z1", "=", "X", "·", "W1", "+", "b1", "H1", "relu(Z1)")][:9] == \
        ["Z1", "=", "X", "·", "W1", "+", "b1", "H1", "="]
    for shape in ("100×2", "2×16", "16", "100×16"):
        assert shape in texts, shape
    last = _texts(svg, "L3")
    assert "Z3" in last and "16×1" in last and "relu(Z3)" not in last  # the output layer has no activation


def test_a_layers_equations_are_written_together_not_spread_across_its_box() -> None:
    svg = draw(_moons_loss(10)).svg()
    start = svg.index("<title>L1</title>")
    box = svg[start:svg.index('class="node"', start)]
    xs = {html.unescape(text): float(x) for x, text in re.findall(r'<text[^>]* x="([-\d.]+)"[^>]*>([^<]*)</text>', box)}
    outline = [float(x) for x in re.findall(r"([-\d.]+),[-\d.]+", re.search(r'<path[^>]*d="([^"]+)"', box).group(1))]  # type: ignore[union-attr]
    assert xs["relu(Z1)"] - xs["Z1"] < 0.6 * (max(outline) - min(outline))


def test_every_op_is_drawn_when_expanded_and_names_stay_short() -> None:
    loss = _moons_loss(10)
    everything = draw(loss, expand=True).source  # type: ignore[call-arg]
    second = draw(loss, expand=["layer 2"]).source  # type: ignore[call-arg]
    assert "X@W1" in everything and "<B>Z1</B>" in everything and "<B>H2</B>" in everything
    assert "label=<<TABLE" in everything and "L1 [" not in everything and "L2 [" not in everything
    assert "L1 [" in second and "L2 [" not in second and "H1@W2" in second and "cluster_s" in second
    assert draw(loss, expand=["layers.1"]).source == second  # type: ignore[call-arg]  # the nn scope's name too
    with pytest.raises(ValueError, match=r"draw_tensor: no layer named 'layer 9' to expand; the graph's layers: "
                                         r"'layer 1', 'layers.0', "):
        draw_tensor(loss, expand=["layer 9"])
    with pytest.raises(TypeError, match="draw_tensor: expand must be True, False or a collection of layer names"):
        draw_tensor(loss, expand="layer 1")  # type: ignore[typeddict-item]


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
    assert "values</FONT>&#160;above, gradients below" in draw(_cs231n()).source  # a kept space: a browser's
    # wider fallback font ran "values" and "above" together
    assert "gradients below" not in draw(_cs231n(), legend=False).source
    assert "a large one" not in draw(_cs231n()).source and "a large one: a sample" in draw(_moons_loss(10)).source
    with pytest.raises(TypeError, match="draw_tensor: legend must be True or False, got 'yes'"):
        draw_tensor(_cs231n(), legend="yes")  # type: ignore[typeddict-item]


def test_the_scalar_view_collapses_back_to_the_matrix_picture() -> None:
    scalars = scalar_view(_cs231n())
    scalars.backward()  # type: ignore[union-attr]
    expanded, collapsed = draw(scalars), draw(scalars, collapse=["W@x"])  # type: ignore[arg-type]
    assert expanded.source.count("label=dot") == 2 and "label=dot" not in collapsed.source
    assert "W@x" in collapsed.source and collapsed.node_count < expanded.node_count
    assert "W[0,0]" not in collapsed.source  # a leaf only W@x uses is drawn in its group and folds away with it
    fed = draw(scalars, collapse=["W@x"], parameters=[], show=("label", "grad"), legend=False)  # type: ignore[arg-type]
    assert all(leaf in fed.source for leaf in ("W[0,0]", "W[0,1]", "W[1,0]", "W[1,1]", "x[0]", "x[1]"))
    assert _size_px(fed.svg())[0] <= 900  # notebook 10's cell: the matrix picture, each element's gradient


def _two_layer_net() -> tuple[Tensor, dict[str, Tensor]]:
    """The course notes' vectorised two-layer net: 2-3-2 sigmoid, a batch of 4 rows, squared error."""
    rng = np.random.default_rng(0)
    named = {"X": Tensor(rng.normal(size=(4, 2)), label="X"), "W1": Tensor(rng.normal(size=(2, 3)), label="W1"),
             "b1": Tensor(rng.normal(size=3), label="b1"), "W2": Tensor(rng.normal(size=(3, 2)), label="W2"),
             "b2": Tensor(rng.normal(size=2), label="b2")}
    named["Z1"] = named["X"] @ named["W1"] + named["b1"]
    named["H1"] = named["Z1"].sigmoid()
    named["Z2"] = named["H1"] @ named["W2"] + named["b2"]
    named["H2"] = named["Z2"].sigmoid()
    loss = ((named["H2"] - np.eye(2)[[0, 1, 0, 1]]) ** 2).mean()
    loss.backward()
    return loss, named


def _texts(svg: str, node_id: str) -> list[str]:
    """The texts of one node's group in dot's SVG, in document order, unescaped."""
    start = svg.index(f"<title>{node_id}</title>")
    following = re.compile(r'<g id="[^"]+" class="(node|edge|cluster)">').search(svg, start)
    end = following.start() if following is not None else len(svg)
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg[start:end])]


def test_a_layers_numbers_are_its_tensors_data_and_gradients_in_order() -> None:
    loss, named = _two_layer_net()
    svg = draw(loss).svg()
    digits = NumberFormat(digits=3)
    for layer, names in (("L1", ("W1", "b1", "Z1", "H1")), ("L2", ("W2", "b2", "Z2", "H2"))):
        expected = []
        for name in names:
            expected += [format_number(float(x), digits) for x in named[name].data.ravel()]
            expected += [format_number(float(x), digits) for x in named[name].grad.ravel()]
        numbers = [t for t in _texts(svg, layer) if re.fullmatch(r"-?\d+\.\d*(e-?\d+)?", t)]  # not a shape: 3
        assert numbers == expected, layer
    assert _size_px(svg)[0] <= 900


def _em(character: str) -> float:
    """About how wide Helvetica (the drawings' font) writes ``character``, in ems (its AFM widths, grouped)."""
    if character.isdigit():
        return 0.556
    if character in ".,:;[]  ":
        return 0.278
    if character in "()-":
        return 0.333
    return 0.667 if character.isupper() else 0.5


def test_a_short_table_in_a_layer_keeps_its_height_beside_a_tall_one() -> None:
    """W1 (2×3: two rows of values, two of gradients) beside Z1 and H1 (four and four): a table in a cell would
    stretch to the row's height, its numbers spread apart."""
    svg = draw(_two_layer_net()[0]).svg()
    start = svg.index("<title>L1</title>")
    box = svg[start:svg.index('class="node"', start)]
    heights = []
    for points in re.findall(r'<polygon fill="none" stroke="#262626" points="([^"]+)"', box):
        ys = [float(point.split(",")[1]) for point in points.split()]
        heights.append(max(ys) - min(ys))
    assert len(heights) == 4  # W1, b1, Z1, H1
    assert sorted(heights)[0] < 0.7 * max(heights) and sorted(heights)[1] < 0.9 * max(heights)


def _text_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """Each text's box in the SVG's points (x0, y0, x1, y1, text): its width from Helvetica's widths (``_em``), its
    height one em above the baseline."""
    boxes = []
    for attributes, text in re.findall(r"<text([^>]*)>([^<]*)</text>", svg):
        x = float(re.search(r' x="([-\d.]+)"', attributes).group(1))  # type: ignore[union-attr]
        y = float(re.search(r' y="([-\d.]+)"', attributes).group(1))  # type: ignore[union-attr]
        size = float(re.search(r'font-size="([\d.]+)"', attributes).group(1))  # type: ignore[union-attr]
        written = html.unescape(text)
        width = size * sum(_em(character) for character in written.rstrip())
        anchor = re.search(r'text-anchor="(\w+)"', attributes)
        left = x - width / 2 if anchor and anchor.group(1) == "middle" else x - width if anchor and \
            anchor.group(1) == "end" else x
        boxes.append((left, y - 0.75 * size, left + width, y, written))
    return boxes


@pytest.mark.parametrize("example", ["cs231n", "two-layer", "softmax", "moons"])
def test_drawn_text_is_readable_and_never_overlaps(example: str) -> None:
    svg = draw(_examples()[example]()).svg()
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) * 96 / 72 >= 10.6  # 8 pt, the shapes and ranges: 10.7 px
    assert np.median(sizes) * 96 / 72 >= 13  # 10 pt: the names and numbers
    boxes = _text_boxes(svg)
    for i, (x0, y0, x1, y1, text) in enumerate(boxes):
        for u0, v0, u1, v1, other in boxes[i + 1:]:
            overlap = min(x1, u1) - max(x0, u0) > 2 and min(y1, v1) - max(y0, v0) > 0.5
            assert not overlap, (text, other)
    assert _size_px(svg)[0] <= 900


def _softmax_net() -> Tensor:
    """A 3-class softmax classifier on a batch of 5 rows: mean cross-entropy of log_softmax(X·W + b)."""
    rng = np.random.default_rng(1)
    x, w, b = Tensor(rng.normal(size=(5, 4)), label="X"), Tensor(rng.normal(size=(4, 3)), label="W"), Tensor(
        np.zeros(3), label="b")
    loss = -(x @ w + b).log_softmax()[np.arange(5), [0, 2, 1, 0, 2]].mean()
    loss.backward()
    return loss


def _examples() -> dict[str, Callable[[], Tensor]]:
    return {"cs231n": _cs231n, "two-layer": lambda: _two_layer_net()[0], "softmax": _softmax_net,
            "moons": _moons_loss}
