"""``draw_tensor``: a ``Tensor`` graph drawn as the course notes draw matrices.

Each Tensor is a box headed by its name and shape (``W 2×2``). A small one (at most ``max_cells``
rows and columns) shows its numbers: the values in a grid, and below them, after ``backward()``,
the gradients in a grid of the same shape, each cell filled by its gradient on the diverging
scale (``viz.palette``). A larger one shows a compact picture instead: up to ``picture_cells``
rows and columns of small squares, sampled evenly, coloured by value (and below, by gradient),
with the range of its numbers written under it. Each op is a gate between its operands and its
result, drawn with the op's symbol (``@``, ``+``, ``Σ``, ``relu``, ``x*(-1)`` with a number folded
in, as the scalar drawings do); a Tensor made inside an ``autograd.scope`` (an ``nn`` layer on the
matrix path) sits in that scope's box. ``viz.draw`` hands a Tensor to this function.

>>> from autograd import Tensor
>>> W = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
>>> x = Tensor([0.2, 0.4], label="x")
>>> f = ((W @ x) ** 2).sum()
>>> f.backward()
>>> diagram = draw_tensor(f)
>>> "<B>W</B>" in diagram.source, ">0.0880<" in diagram.source, diagram.size_text()
(True, True, '8 nodes and 7 edges')
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, TypedDict

import graphviz
import numpy as np

from autograd.modes import Scope
from autograd.tensor import Tensor
from autograd.tensor_backprop import topological_order
from viz.diagram import Diagram
from viz.escaping import html_text
from viz.number_format import NumberFormat, format_number
from viz.palette import Palette, blend, get_palette, gradient_fill
from viz.styles.canvas import FONT
from viz.tensor_names import NotesNaming, TensorLayer, find_layers, notes_names, shape_text

if TYPE_CHECKING:
    from typing_extensions import Unpack

Array = np.ndarray


class TensorKeywords(TypedDict, total=False):
    """The options of a Tensor drawing (``draw_tensor``, ``tensor_backprop_steps``), declared once."""

    rankdir: str
    precision: int
    palette: str
    max_cells: int
    picture_cells: int
    output_name: str
    legend: bool
    expand: bool | Collection[str]


_DEFAULTS: TensorKeywords = {
    "rankdir": "auto", "precision": 3, "palette": "default", "max_cells": 5, "picture_cells": 12, "output_name": "f",
    "legend": True, "expand": False,
}
_OPTIONS = tuple(_DEFAULTS)


def draw_tensor(root: Tensor, **options: Unpack[TensorKeywords]) -> Diagram:
    """Draw ``root``'s Tensor graph (see the module docstring); returns a ``Diagram`` (a ``graphviz.Digraph``).

    ``expand``: each layer (``X @ W + b`` and its activation, ``viz.tensor_names``) is one box by default, its
    equations written with the shapes under the symbols (``Z1 = X·W1 + b1``, ``H1 = relu(Z1)``) above its Tensors'
    numbers or pictures; ``True`` draws every op of every layer, a collection of layer names (``"layer 2"`` or an
    ``nn`` scope's name, ``"layers.1"``) those layers' ops;
    ``rankdir``: ``"LR"``, ``"TB"`` or ``"auto"`` (left to right up to 5 gates in a row, else top to bottom);
    ``precision``: significant digits of the numbers; ``max_cells``: the largest row or column count drawn with
    numbers; ``picture_cells``: the most squares per side of a larger Tensor's picture; ``output_name``: what an
    unlabelled output is called; ``legend``: a line under the drawing saying how to read it.
    """
    return tensor_diagram(root, tensor_drawing("draw_tensor", root, options))


def tensor_drawing(caller: str, root: object, options: TensorKeywords) -> TensorDrawing:
    """The options of a Tensor drawing, defaults filled in and checked (errors name ``caller`` and the option)."""
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(f"{caller}: unknown option(s) {', '.join(map(repr, unknown))}; it takes {', '.join(_OPTIONS)}")
    chosen: TensorKeywords = {**_DEFAULTS, **options}
    rankdir, precision, output_name = chosen["rankdir"], chosen["precision"], chosen["output_name"]
    max_cells, picture_cells = chosen["max_cells"], chosen["picture_cells"]
    if not isinstance(root, Tensor):
        raise TypeError(f"{caller}: root must be a Tensor, got {type(root).__name__}")
    if rankdir not in ("auto", "LR", "TB"):
        raise ValueError(f"{caller}: rankdir must be 'auto', 'LR' or 'TB', got {rankdir!r}")
    for name, count in (("precision", precision), ("max_cells", max_cells), ("picture_cells", picture_cells)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"{caller}: {name} must be a positive int, got {count!r}")
    if not isinstance(output_name, str):
        raise TypeError(f"{caller}: output_name must be a str, got {type(output_name).__name__}")
    if not isinstance(chosen["legend"], bool):
        raise TypeError(f"{caller}: legend must be True or False, got {chosen['legend']!r}")
    order = topological_order(root)
    expanded = _expanded(caller, chosen["expand"], find_layers(order))
    if rankdir == "auto":  # a long chain of matrices is too wide for a page left to right: top to bottom then
        boxed = {node: layer.output for layer in find_layers(order) if layer.number not in expanded
                 for node in layer.members}
        rankdir = "LR" if _longest_chain(order, boxed) <= _LONGEST_ACROSS else "TB"
    return TensorDrawing(get_palette(chosen["palette"]), NumberFormat(digits=precision), max_cells, picture_cells,
                         rankdir, output_name, chosen["legend"], expanded)


def _expanded(caller: str, expand: object, layers: list[TensorLayer]) -> frozenset[int]:
    """The numbers of the layers drawn op by op (``expand``: a flag, or layer names; an unknown name is refused)."""
    if isinstance(expand, bool):
        return frozenset(layer.number for layer in layers) if expand else frozenset()
    if isinstance(expand, str) or not isinstance(expand, Collection) or not all(isinstance(n, str) for n in expand):
        raise TypeError(f"{caller}: expand must be True, False or a collection of layer names, got {expand!r}")
    known = {handle: layer.number for layer in layers for handle in layer.handles}
    unknown = sorted(set(expand) - set(known))
    if unknown:
        raise ValueError(f"{caller}: no layer named {', '.join(map(repr, unknown))} to expand; the graph's layers: "
                         f"{', '.join(map(repr, known)) or 'none'}")
    return frozenset(known[name] for name in expand)


def tensor_diagram(
    root: Tensor,
    drawing: TensorDrawing,
    gradients: Mapping[Tensor, Array] | None = None,
    pending: Collection[Tensor] = (),
    current: Tensor | None = None,
) -> Diagram:
    """The diagram of ``root``'s graph. ``gradients``: what each Tensor's gradient slot shows (default: its
    ``.grad`` after backward); a Tensor in ``pending`` keeps its slot's size but shows nothing in it yet (a player's
    frames share one layout this way); ``current``: the Tensor a player's step is about, its box outlined in the
    player's colour (the layout stays the same). Each node's SVG id is its ``drawn_ids`` id."""
    order = topological_order(root)
    naming = notes_names(root, drawing.output_name)
    names = naming.names
    diagram = Diagram(
        name="tensor_graph",
        graph_attr={"rankdir": drawing.rankdir, "bgcolor": "white", "pad": "0.2", "fontname": FONT, "fontsize": "10",
                    "nodesep": "0.25", "ranksep": "0.35",
                    **({"label": drawing.key(any(not drawing.numbered(node) for node in order)), "labelloc": "b",
                        "labeljust": "l"} if drawing.legend else {})},
        node_attr={"fontname": FONT, "fontsize": "10"},
        edge_attr={"color": drawing.palette.faint, "arrowsize": "0.6"},
    )
    boxed = {node: layer for node, layer in naming.layer_of.items() if layer.number not in drawing.expanded}
    ids = drawn_ids(order, naming, drawing)
    boxes: dict[Scope | None, list[tuple[str, str, dict[str, str]]]] = {}
    edges: list[tuple[str, str]] = []
    below: list[tuple[str, str]] = []  # invisible: a layer's weights one rank after what flows into the layer

    def shown(node: Tensor) -> Array | None:
        if gradients is not None:
            return gradients.get(node)
        return node.grad if node._grad is not None else None  # None: before backward (no zeros drawn)

    def operand(child: Tensor, where: Scope | None, key: str) -> str | None:
        """The id an edge from ``child`` starts at (a constant gets its own box), or None: folded into a gate."""
        if child.constant and child.data.size == 1:
            return None
        if child not in ids:
            ids[child] = f"c{key}"
            _place(boxes, where, ids[child], drawing.tensor_label(child, "", None, False), {"shape": "plain"})
        return ids[child]

    for node in order:
        layer = boxed.get(node)
        if layer is not None:
            if node is layer.output:  # the box, once its last Tensor is reached
                where = layer.scope.parent if layer.scope is not None else layer.pre.scope
                label = drawing.layer_label(layer, names, {t: shown(t) for t in layer.shown}, pending, current)
                _place(boxes, where, ids[node], label, {"shape": "plain", "id": ids[node]})
                tail = operand(layer.inputs, where, f"{layer.number}_in")
                if tail is not None:
                    edges.append((tail, ids[node]))
            continue
        label = drawing.tensor_label(node, names[node], shown(node), node in pending, node is current)
        _place(boxes, node.scope, ids[node], label, {"shape": "plain", "id": ids[node]})
        if node.row is None:
            continue
        gate = f"g{ids[node][1:]}"
        _place(boxes, node.scope, gate, _gate_text(node), {"shape": "circle", "width": "0.42", "fixedsize": "false",
                                                           "margin": "0.02", "color": drawing.palette.ink})
        for position, child in enumerate(node.inputs):
            tail = operand(child, node.scope, f"{ids[node][1:]}_{position}")
            if tail is not None:
                edges.append((tail, gate))
        edges.append((gate, ids[node]))
        below.extend(_below(node, ids))
    _emit(diagram, boxes, drawing.palette)
    rows = _chain_rows(order, boxed, ids) if drawing.rankdir == "TB" else []
    for side, row in rows:
        with diagram.subgraph() as same:
            same.attr(rank="same")
            for node_id in side + row:
                same.node(node_id)
    turns = {(above[-1], below_row[0]) for (_, above), (_, below_row) in pairwise(rows)} & set(edges)
    for (_, above), (_, below_row) in pairwise(rows):  # each row starts under the last one, not where it ended
        if (above[-1], below_row[0]) in turns:
            diagram.edge(above[0], below_row[0], style="invis", weight="20")
    for tail, head in edges:
        diagram.edge(tail, head, **({"weight": "0"} if (tail, head) in turns else {}))
    in_rows = {node_id for side, row in rows for node_id in side + row}
    for tail, head in below:
        if tail not in in_rows:  # a side input of a folded chain sits above its row, where its wire comes from
            diagram.edge(tail, head, style="invis")
    diagram.node_count = sum(len(items) for items in boxes.values())
    diagram.edge_count = len(edges)
    return diagram


_PER_ROW = 2  # gates (each with the Tensor it makes) side by side in a chain drawn top to bottom


def drawn_ids(order: list[Tensor], naming: NotesNaming, drawing: TensorDrawing) -> dict[Tensor, str]:
    """Each Tensor's node id in the drawing (also its SVG id): ``t5`` (5th in ``order``), or ``L2`` for every
    Tensor of layer 2 when that layer is one box."""
    boxed = {node: layer for node, layer in naming.layer_of.items() if layer.number not in drawing.expanded}
    return {node: f"L{boxed[node].number}" if node in boxed else f"t{i}" for i, node in enumerate(order)}


def _chain_rows(
    order: list[Tensor], boxed: Mapping[Tensor, TensorLayer], ids: Mapping[Tensor, str]
) -> list[tuple[list[str], list[str]]]:
    """A long chain of ops outside any box (a loss: reshape, ×y, 1−, relu, Σ, /n, + L2) drawn top to bottom takes a
    rank per gate and per Tensor: the chain is folded into rows of ``_PER_ROW`` gates, each row's gates and Tensors
    on one rank (``dot``'s ``rank=same``), left to right, so the drawing is several times shorter. Each row: the
    ids of the leaves drawn beside its first gate, then its gates' and Tensors' ids."""
    users: dict[Tensor, list[Tensor]] = {}
    for node in order:
        for child in node.inputs:
            users.setdefault(child, []).append(node)

    def free(node: Tensor) -> bool:  # an op drawn on its own, at the top level
        return node.row is not None and node not in boxed and node.scope is None

    chains: list[list[Tensor]] = []
    chain_of: dict[Tensor, list[Tensor]] = {}
    for node in order:
        if not free(node):
            continue
        previous = [child for child in node.inputs if child in chain_of and users.get(child) == [node]]
        chain = chain_of[previous[0]] if len(previous) == 1 and chain_of[previous[0]][-1] is previous[0] else []
        if not chain:
            chains.append(chain)
        chain.append(node)
        chain_of[node] = chain
    rows: list[tuple[list[str], list[str]]] = []
    for chain in chains:
        if len(chain) <= _PER_ROW:
            continue
        for start in range(0, len(chain), _PER_ROW):
            first = chain[start]  # its leaf inputs (the L2 term of a loss) go beside it: on the row above they jut out
            side = [ids[child] for child in first.inputs if start and child.row is None and child in ids]
            rows.append((side, [node_id for node in chain[start:start + _PER_ROW]
                                for node_id in (f"g{ids[node][1:]}", ids[node])]))
    return rows


def _below(node: Tensor, ids: dict[Tensor, str]) -> list[tuple[str, str]]:
    """Invisible edges from a gate's computed inputs to its leaf inputs (a layer's weights and bias, data): ``dot``
    then puts the leaves after what flows in, so one layer's box starts below the last one's, not beside it."""
    drawn = [child for child in node.inputs if child in ids]
    computed = [ids[child] for child in drawn if child.row is not None]
    return [(tail, ids[child]) for tail in computed for child in drawn if child.row is None]


def _place(boxes: dict[Scope | None, list[tuple[str, str, dict[str, str]]]], where: Scope | None, node_id: str,
           label: str, attributes: dict[str, str]) -> None:
    boxes.setdefault(where, []).append((node_id, label, attributes))


def _emit(diagram: graphviz.Digraph, boxes: dict[Scope | None, list[tuple[str, str, dict[str, str]]]],
          palette: Palette) -> None:
    """Every node, each inside its scope's box (boxes nest as the scopes do), in a fixed order."""
    children: dict[Scope | None, list[Scope]] = {}
    for where in boxes:
        chain = where.path() if where is not None else ()
        parent: Scope | None = None
        for scope in chain:
            siblings = children.setdefault(parent, [])
            if scope not in siblings:
                siblings.append(scope)
            parent = scope
    numbers = {scope: i for i, scope in enumerate(s for group in children.values() for s in group)}

    def fill(graph: graphviz.Digraph, where: Scope | None) -> None:
        for node_id, label, attributes in boxes.get(where, []):
            graph.node(node_id, label=label, **attributes)
        for scope in children.get(where, []):
            with graph.subgraph(name=f"cluster_s{numbers[scope]}") as box:
                box.attr(label=html_text(scope.title), style="rounded,filled", fillcolor=palette.cluster_fill,
                         color=palette.faint, fontcolor=palette.faint, fontsize="9", labeljust="l")
                fill(box, scope)

    fill(diagram, None)


def gate_text(node: Tensor) -> str:
    """The text on a Tensor node's gate: the row's label, with a number operand folded in (``x**2``, ``1-x``)."""
    return html.unescape(_gate_text(node))


def _gate_text(node: Tensor) -> str:
    row = node.row
    assert row is not None
    scalar_row = row.row
    numbers = [child for child in node.inputs if child.constant and child.data.size == 1]
    if scalar_row is not None and numbers:
        left = node.inputs[0].constant and node.inputs[0].data.size == 1
        return html_text(scalar_row.label(float(numbers[0].data), const_left=left))
    return html_text(row.label(node.params))


def _as_matrix(array: Array, vector_as_row: bool = False) -> Array:
    """Rows and columns to draw: a number as 1×1, a vector as a column (as the notes write x; a row in a picture,
    as a bias lines up with the columns it is added to), more axes flattened after the first."""
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array.reshape(1, -1) if vector_as_row else array.reshape(-1, 1)
    return array.reshape(array.shape[0], int(np.prod(array.shape[1:], dtype=np.int64)))


@dataclass(frozen=True)
class TensorDrawing:
    """The options of one Tensor drawing (checked by ``tensor_drawing``), and the tables it draws with them."""

    palette: Palette
    numbers: NumberFormat
    max_cells: int
    picture_cells: int
    rankdir: str
    output_name: str
    legend: bool
    expanded: frozenset[int] = frozenset()  # the layers drawn op by op (by number)

    def key(self, pictures: bool = False) -> str:
        """The legend under the drawing: how to read a box (an HTML-like label); ``pictures``: the drawing has a
        large Tensor's picture, whose value squares are coloured too (a second line says how)."""
        p = self.palette
        swatch = '<FONT COLOR="{}">■</FONT>'
        line = (f'<FONT POINT-SIZE="9" COLOR="{p.faint}">each box: name, shape; <FONT COLOR="{p.value_text}">values'
                f"</FONT>&#160;above, gradients below, filled {swatch.format(p.positive)} &gt; 0, "
                f"{swatch.format(p.negative)} &lt; 0 (stronger = larger)</FONT>")
        if pictures:
            line += (f'<BR ALIGN="LEFT"/><FONT POINT-SIZE="9" COLOR="{p.faint}">a large one: a sample of its numbers, '
                     f"values {swatch.format(self._shade(1.0, 1.0, 'values'))} ≥ 0, "
                     f"{swatch.format(self._shade(-1.0, 1.0, 'values'))} &lt; 0, and their range</FONT>"
                     '<BR ALIGN="LEFT"/>')  # each line ends in a left-aligned break: both start at the left
        return f"<{line}>"

    def tensor_label(self, node: Tensor, name: str, grads: Array | None, pending: bool, current: bool = False) -> str:
        """The HTML-like label of one Tensor's box (``tensor_table``)."""
        return f"<{self.tensor_table(node, name, grads, pending, current)}>"

    def tensor_table(self, node: Tensor, name: str, grads: Array | None, pending: bool, current: bool = False) -> str:
        """The HTML-like table of one Tensor: its name and shape, then its numbers or its picture.

        ``grads``: the gradient to show below the values (None: none); ``pending``: keep its place, show nothing;
        ``current``: the player's step is about it (outline and title in the player's colour, the same size).
        """
        data = node.data
        small = self.numbered(node)
        grid = _as_matrix(data) if small else _as_matrix(data, vector_as_row=True)
        grad_grid = None if grads is None else _as_matrix(np.asarray(grads), vector_as_row=not small)
        columns = max(1, grid.shape[1]) if small else 1
        shape = f'<FONT COLOR="{self.palette.faint}">{shape_text(data.shape)}</FONT>'
        named = node.label or node.row is None or name.isidentifier()  # a formula's name is not bold
        gap = "&#160;"  # a space the renderer keeps (a plain one can vanish at the edge of a tight box)
        written = f"<B>{html_text(name)}</B>" if named else html_text(name)
        title = f"{written}{gap}{shape}" if name else shape
        if node.constant:
            title = f"<I>{title}</I>"
        heading = f' BGCOLOR="{_CURRENT_FILL}"' if current else ""
        rows = [f'<TR><TD COLSPAN="{columns}" BORDER="0"{heading}>{title}</TD></TR>']
        if small:
            rows += self._numbers(grid, None, False)
            if grad_grid is not None:
                rows += self._numbers(grad_grid, np.abs(grad_grid).max(initial=0.0), pending)
        else:
            rows += self._picture(grid, "values", False)
            if grad_grid is not None:
                rows += self._picture(grad_grid, "gradients", pending)
        ink = self.palette.ink if node.row is not None or node.values is not None or not node.constant else "#bdbdbd"
        ink = _CURRENT if current else ink
        return (f'<TABLE BORDER="1" COLOR="{ink}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
                f'BGCOLOR="white">{"".join(rows)}</TABLE>')

    def layer_label(self, layer: TensorLayer, names: Mapping[Tensor, str], grads: Mapping[Tensor, Array | None],
                    pending: Collection[Tensor], current: Tensor | None = None) -> str:
        """One layer as one box: its title, its equations with each symbol's shape under it (as the notes write
        ``Z1 = X·W1 + b1`` over ``100×2 · 2×16 + 16``), then its Tensors' tables side by side."""
        faint, ink = self.palette.faint, self.palette.ink
        symbols: list[str] = []
        shapes: list[str] = []
        for number, (left, right) in enumerate(layer.equations(names)):
            if number:
                symbols.append('<TD WIDTH="14"> </TD>')
                shapes.append("<TD></TD>")
            node = layer.pre if number == 0 else layer.output
            pieces = [(f"<B>{html_text(left)}</B>", shape_text(node.shape)), ("=", "")]
            pieces += [(html_text(symbol), size) for symbol, size in right]
            for position, (symbol, size) in enumerate(pieces):
                # X·W1 has no table of its own: when the player's step is about it, its three cells are marked
                marked = current is layer.product and number == 0 and 2 <= position <= 4
                fill = f' BGCOLOR="{_CURRENT_FILL}"' if marked else ""
                symbols.append(f"<TD{fill}>{symbol}</TD>")
                written = f'<FONT POINT-SIZE="8" COLOR="{faint}">{html_text(size)}</FONT>' if size else ""
                shapes.append(f"<TD{fill}>{written}</TD>")
        equations = (f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>{"".join(symbols)}</TR>'
                     f'<TR>{"".join(shapes)}</TR></TABLE>')
        # a table in a cell stretches to the cell's height: with the distinct heights h1 < h2 < … as rows, a table
        # of height h_r spans rows 1..r and an empty cell the rest (a short W1 beside a tall Z1 keeps its rows together)
        heights = {node: self._height(node, grads[node] is not None) for node in layer.shown}
        ranks = {height: rank for rank, height in enumerate(sorted(set(heights.values())), start=1)}
        tiers = len(ranks)
        tables = "".join(
            f'<TD VALIGN="TOP" ROWSPAN="{ranks[heights[node]]}">'
            f"{self.tensor_table(node, names[node], grads[node], node in pending, node is current)}</TD>"
            for node in layer.shown
        )
        below = "".join(
            "<TR>" + "".join(f'<TD ROWSPAN="{tiers - rank}"></TD>' for node in layer.shown
                             if ranks[heights[node]] == rank) + "</TR>"
            for rank in range(1, tiers)
        )
        return (f'<<TABLE BORDER="1" STYLE="ROUNDED" COLOR="{ink}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" '
                f'BGCOLOR="{self.palette.cluster_fill}">'
                f'<TR><TD ALIGN="LEFT"><FONT COLOR="{faint}">{html_text(layer.title)}</FONT></TD></TR>'
                # the box is as wide as its tables: the empty cells beside the equations take most of the extra
                # width (dot shares it among the cells), so the equations stay together, as written
                f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD>{equations}</TD>'
                "<TD></TD><TD></TD><TD></TD></TR></TABLE></TD></TR>"
                f'<TR><TD><TABLE BORDER="0" CELLSPACING="6" CELLPADDING="0"><TR>{tables}</TR>{below}</TABLE></TD></TR>'

                "</TABLE>>")

    def numbered(self, node: Tensor) -> bool:
        """Whether ``node`` is drawn with its numbers (at most ``max_cells`` rows and columns), not a picture."""
        return node.data.ndim <= 2 and max(_as_matrix(node.data).shape) <= self.max_cells

    def _height(self, node: Tensor, with_gradients: bool) -> int:
        """About how tall ``tensor_table`` draws ``node``, in points (to line up tables of different heights)."""
        grid = _as_matrix(node.data)
        copies = 2 if with_gradients else 1
        if self.numbered(node):
            return 19 * (1 + copies * int(grid.shape[0]))
        rows = int(_as_matrix(node.data, vector_as_row=True).shape[0])
        return 19 + copies * (7 * min(rows, self.picture_cells) + 14)

    def _numbers(self, grid: Array, scale: float | None, pending: bool) -> list[str]:
        """One row of cells per matrix row: values in the value colour, or gradients filled by size and sign
        (``pending``: the same cells, blank: the text in the fill's colour)."""
        colour = self.palette.value_text if scale is None else self.palette.ink  # ink reads on every fill
        rows = []
        for r in range(grid.shape[0]):
            cells = []
            for c in range(grid.shape[1]):
                x = float(grid[r, c])
                fill = "white" if scale is None else gradient_fill(x, scale, self.palette)
                if pending:
                    fill = colour = self.palette.missing
                text = html_text(format_number(x, self.numbers))
                side = ' SIDES="T"' if r == 0 and scale is not None else ""
                cells.append(f'<TD BGCOLOR="{fill}" BORDER="{1 if side else 0}"{side} ALIGN="RIGHT">'
                             f'<FONT COLOR="{colour}">{text}</FONT></TD>')
            rows.append(f"<TR>{''.join(cells)}</TR>")
        return rows

    def _picture(self, matrix: Array, what: str, pending: bool) -> list[str]:
        """Up to ``picture_cells`` squares per side, sampled evenly, coloured by value; then the range in words.

        The squares are a table of their own: a wider caption cannot spread them apart."""
        picked_rows = _evenly(matrix.shape[0], self.picture_cells)
        picked_columns = _evenly(matrix.shape[1], self.picture_cells)
        sample = matrix[np.ix_(picked_rows, picked_columns)]
        finite = np.abs(sample[np.isfinite(sample)])
        scale = float(finite.max()) if finite.size else 0.0
        squares = []
        for r in range(sample.shape[0]):
            cells = "".join(
                f'<TD BGCOLOR="{self.palette.missing if pending else self._shade(float(x), scale, what)}" '
                'WIDTH="7" HEIGHT="7" FIXEDSIZE="TRUE"></TD>'
                for x in sample[r]
            )
            squares.append(f"<TR>{cells}</TR>")
        size = f'WIDTH="{7 * sample.shape[1]}" HEIGHT="{7 * sample.shape[0]}" FIXEDSIZE="TRUE"'
        rows = [f'<TR><TD><TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0" {size}>{"".join(squares)}</TABLE></TD></TR>'
                if sample.size else "<TR><TD></TD></TR>"]  # an empty Tensor: no squares, only its range
        if matrix.size == 0 or np.isnan(matrix).all():
            low = high = "—"  # nothing to show (an empty Tensor) or nothing but nan
        else:
            low, high = (format_number(float(x), self.numbers) for x in (np.nanmin(matrix), np.nanmax(matrix)))
        colour = self.palette.value_text if what == "values" else self.palette.grad_text
        colour = "white" if pending else colour
        rows.append(f'<TR><TD BORDER="0"><FONT POINT-SIZE="8" COLOR="{colour}">'
                    f"{what} {html_text(low)} … {html_text(high)}</FONT></TD></TR>")
        return rows

    def _shade(self, x: float, scale: float, what: str) -> str:
        if what == "gradients":
            return gradient_fill(x, scale, self.palette)
        if not np.isfinite(x) or scale == 0.0:
            return self.palette.missing if np.isfinite(x) else self.palette.invalid
        return blend("#ffffff", self.palette.value_text, 0.1 + 0.8 * abs(x) / scale) if x >= 0 else blend(
            "#ffffff", self.palette.ink, 0.1 + 0.6 * abs(x) / scale
        )


_LONGEST_ACROSS = 5
_CURRENT, _CURRENT_FILL = "#f2a900", "#fdeec2"  # the player's accent (viz.player.page): the step's Tensor
_LAYER_ACROSS = 3  # a layer's box holds four Tensors side by side


def _longest_chain(order: list[Tensor], boxed: Mapping[Tensor, Tensor]) -> int:
    """The most gates on one path from a leaf to the root (``order``: inputs before the nodes that use them); a
    layer drawn as one box (``boxed``: each of its Tensors → its output) counts at its output, as wide as 3 gates."""
    depth: dict[Tensor, int] = {}
    for node in order:
        step = 1 if node not in boxed else _LAYER_ACROSS if boxed[node] is node else 0
        depth[node] = max((depth.get(child, 0) for child in node.inputs), default=-1) + step
    return max(depth.values(), default=0)



def _evenly(count: int, most: int) -> list[int]:
    if count <= most:
        return list(range(count))
    return sorted({round(float(i)) for i in np.linspace(0, count - 1, most)})


def tensor_options(options: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments ``draw`` passes on for a Tensor; an option only Value graphs take is a TypeError."""
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(
            f"draw: a Tensor graph takes the options {', '.join(_OPTIONS)}; not {', '.join(map(repr, unknown))} "
            "(draw autograd.scalar_view(root) for the scalar drawing's options)"
        )
    return options
