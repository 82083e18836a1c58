"""``draw_network``: an ``nn`` model's architecture drawn the way the course notes draw it.

Columns of units: the input layer, each hidden layer, the output layer, so width and depth
are visible at a glance. Each connection is one weight: its colour is the weight's sign (the
palette's positive and negative colours) and its width its magnitude. ``show="gradients"``
draws each weight's ``.grad`` instead, the same way, so the effect of ``backward()``, of an
optimizer step or of a forgotten ``zero_grad`` can be seen. A unit's fill is its bias (or the
bias's gradient) on the diverging scale ``viz.draw`` uses.

A layer wider than ``max_units`` is summarised: its first units, a "…" unit naming how many
are left out, and its last units; connections to the units left out are not drawn. Widths
are relative to ``scale`` (default: the largest magnitude in the whole model, summarised
units included); pass the same ``scale`` to compare drawings, such as before and after a step.

Ids (DOT node names and SVG ids) follow the parameters' names: unit ``c2_u3`` is unit 3 of
column 2 (``layers.1.neurons.3``), the connection ``l1_n3_w0`` is ``layers.1.neurons.3.w.0``,
``c2_more`` is column 2's "…" unit. The output is deterministic.

>>> from nn import MLP
>>> diagram = draw_network(MLP(3, [4, 2], seed=0))
>>> diagram.size_text(), "l1_n1_w3" in diagram.source
('9 nodes and 20 edges', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd import Value
from nn.layers import MLP, Layer, Neuron
from viz.diagram import Diagram
from viz.escaping import html_text, plain_label
from viz.number_format import NumberFormat, format_number
from viz.option_fields import build, count_or_none, number_or_none, one_of, option
from viz.options import SharedKeywords, SharedOptions
from viz.palette import Palette, blend, gradient_fill
from viz.styles.canvas import FONT

if TYPE_CHECKING:
    from typing_extensions import Unpack

SHOWS = ("weights", "gradients")
DEFAULT_MAX_UNITS = 10
# pen widths of the thinnest and the widest connection (points)
_THINNEST = 0.4
_WIDEST = 4.5
# the course notes call a unit without an activation linear
_ACTIVATION_WORDS = {"identity": "linear"}


@dataclass(frozen=True)
class _Column:
    """One column of units: the inputs, or a layer's neurons (``weights[j][i]`` into unit j from unit i)."""

    title: str
    labels: tuple[str, ...]  # what each unit's circle says: input and output names, nothing for hidden units
    weights: tuple[tuple[Value, ...], ...]
    biases: tuple[Value, ...]

    @property
    def size(self) -> int:
        return len(self.labels)


def _names_or_none(name: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, Iterable) and not isinstance(value, str):
        return tuple(str(item) for item in value)
    raise TypeError(f"{name} must be a sequence of names, or None; not {value!r}")


@dataclass(frozen=True)
class NetworkOptions(SharedOptions):
    """How ``draw_network`` draws: the ``SharedOptions`` (3 significant digits by default), and

    ``show`` (``"weights"`` or ``"gradients"``), ``max_units`` (an int of at least 2, or
    ``None``), ``scale`` (a positive number, or ``None``), ``input_names`` and
    ``output_names`` (names, or ``None``); see ``draw_network``.

    >>> NetworkOptions(max_units=1)
    Traceback (most recent call last):
    ValueError: max_units must be an int of at least 2, or None; not 1
    """

    show: str = option("weights", one_of(SHOWS))
    max_units: int | None = option(DEFAULT_MAX_UNITS, count_or_none(2))
    scale: float | None = option(None, number_or_none(0.0, above=True))
    input_names: tuple[str, ...] | None = option(None, _names_or_none)
    output_names: tuple[str, ...] | None = option(None, _names_or_none)

    def default_number_format(self) -> NumberFormat:
        """Three significant digits: the legend's and the tooltips' numbers."""
        return NumberFormat(digits=3)


class NetworkKeywords(SharedKeywords, total=False):
    """``NetworkOptions`` as keyword arguments (see ``draw_network``)."""

    show: str
    max_units: int | None
    scale: float | None
    input_names: Sequence[str] | None
    output_names: Sequence[str] | None


def draw_network(network: MLP | Layer | Neuron, **options: Unpack[NetworkKeywords]) -> Diagram:
    """Draw ``network`` (an ``nn`` ``MLP``, ``Layer`` or ``Neuron``) as columns of units; a ``graphviz.Digraph``.

    - ``show``: ``"weights"`` (colour = sign, width = |w|, fill = bias) or ``"gradients"``
      (the same for each parameter's ``.grad``).
    - ``max_units``: a layer with more units shows its first and last units around a "…"
      unit (``None``: every unit; default 10).
    - ``scale``: the magnitude drawn at full width (default: the model's largest); fix it to
      compare two drawings.
    - ``input_names`` / ``output_names``: the units' labels (default ``x0``, ``x1``, … and ``y`` or ``y0``, …).
    - the options every drawing takes, as in ``viz.draw`` (``viz.options.SharedOptions``):
      ``rankdir`` ``"LR"`` (columns left to right) or ``"TB"``; ``palette``; ``legend``;
      ``precision`` (significant digits, default 3) or ``decimals``: the numbers in the legend and the tooltips.

    The options are ``NetworkOptions``, checked before anything is drawn. Hovering over a
    connection or unit (in an SVG viewer or a notebook) names its parameter and value.
    """
    drawing = build(NetworkOptions, "draw_network", options)
    plan = _Plan(network, drawing)
    colours, number_format = drawing.palette, drawing.number_format
    diagram = Diagram(name="network", graph_attr={
        "rankdir": drawing.rankdir, "bgcolor": "white", "pad": "0.2", "nodesep": "0.12", "ranksep": "1.1",
        "splines": "line", "fontname": FONT, "fontsize": "10", "outputorder": "edgesfirst",
    })
    columns, shown, looks = plan.columns, plan.shown, plan.looks()
    for c, column in enumerate(columns):
        _emit_column(diagram, c, column, shown[c], colours, plan.amount, looks, number_format)
    for c in range(1, len(columns)):
        for j, i, name in plan.connections(c):
            diagram.edge(
                f"c{c - 1}_u{i}", f"c{c}_u{j}", id=name,
                tooltip=plain_label(_describe(columns[c].weights[j][i], f"w.{i}", number_format)),
                **looks[name],
            )
            diagram.edge_count += 1
    # the column titles in one row: heavy invisible links between them are kept straight
    for c in range(1, len(columns)):
        diagram.edge(f"c{c - 1}_title", f"c{c}_title", style="invis", weight="100")
    if drawing.legend:
        label = _legend(drawing.show, plan.biggest, plan.width_scale, colours, number_format)
        diagram.attr(label=label, labelloc="b", labeljust="l")
    return diagram


def network_looks(network: MLP | Layer | Neuron, **options: Unpack[NetworkKeywords]) -> dict[str, dict[str, str]]:
    """What ``draw_network`` draws from the parameters' numbers, by id: each hidden or output unit's
    ``fillcolor`` (its bias), each connection's ``color``, ``penwidth`` and ``style`` (its weight; a plain
    line has no ``style``), as DOT attributes. The rest of the drawing (its layout) follows the
    architecture only, so a caller that laid the network out once redraws a moment from these
    (``viz.training``'s network panel).

    >>> from nn import MLP
    >>> looks = network_looks(MLP(2, [3, 1], seed=0), scale=1.0)
    >>> sorted(looks["l1_n0_w2"]), looks["c1_u0"]
    (['arrowhead', 'color', 'penwidth'], {'fillcolor': '#ffffff'})
    """
    return _Plan(network, build(NetworkOptions, "network_looks", options)).looks()


class _Plan:
    """The columns ``draw_network`` draws, the units shown, and the scales of widths and fills."""

    def __init__(self, network: MLP | Layer | Neuron, drawing: NetworkOptions) -> None:
        self.drawing = drawing
        self.columns = _columns(network, drawing.input_names, drawing.output_names)
        self.shown = [_shown_units(column.size, drawing.max_units) for column in self.columns]
        every = [self.amount(w) for column in self.columns for row in column.weights for w in row]
        self.biggest = max((abs(x) for x in every if math.isfinite(x)), default=0.0)
        self.width_scale = self.biggest if drawing.scale is None else drawing.scale
        biases = [self.amount(b) for column in self.columns for b in column.biases]
        self.bias_scale = max((abs(x) for x in biases if math.isfinite(x)), default=0.0)

    def amount(self, value: Value) -> float:
        return value.data if self.drawing.show == "weights" else value.grad

    def connections(self, c: int) -> Iterator[tuple[int, int, str]]:
        """The drawn connections into column ``c``: (unit j, unit i of the column before, id)."""
        for j in self.shown[c]:
            for i in self.shown[c - 1]:
                if i is not None and j is not None:
                    yield j, i, f"l{c - 1}_n{j}_w{i}"

    def looks(self) -> dict[str, dict[str, str]]:
        colours = self.drawing.palette
        looks: dict[str, dict[str, str]] = {}
        for c in range(1, len(self.columns)):
            column = self.columns[c]
            for j in self.shown[c]:
                if j is not None:
                    looks[f"c{c}_u{j}"] = {"fillcolor": gradient_fill(self.amount(column.biases[j]), self.bias_scale,
                                                                        colours)}
            for j, i, name in self.connections(c):
                looks[name] = _connection(self.amount(column.weights[j][i]), self.width_scale, colours)
        return looks


def _columns(
    network: MLP | Layer | Neuron, input_names: tuple[str, ...] | None, output_names: tuple[str, ...] | None
) -> list[_Column]:
    if isinstance(network, MLP):
        layers = [layer.neurons for layer in network.layers]
    elif isinstance(network, Layer):
        layers = [network.neurons]
    elif isinstance(network, Neuron):
        layers = [[network]]
    else:
        raise TypeError(
            f"draw_network draws an nn MLP, Layer or Neuron (columns of units), not {type(network).__name__}"
        )
    nin = layers[0][0].nin
    columns = [_Column(f"input\n{_units(nin)}", _names(input_names, nin, "x", "input_names"), (), ())]
    for k, neurons in enumerate(layers):
        last = k == len(layers) - 1
        activation = _ACTIVATION_WORDS.get(neurons[0].activation_name, neurons[0].activation_name)
        title = f"output · {activation}" if last else f"hidden {k + 1} · {activation}"
        labels = _names(output_names, len(neurons), "y", "output_names") if last else ("",) * len(neurons)
        columns.append(_Column(
            f"{title}\n{_units(len(neurons))}", labels,
            tuple(tuple(neuron.w) for neuron in neurons), tuple(neuron.b for neuron in neurons),
        ))
    return columns


def _names(names: tuple[str, ...] | None, count: int, stem: str, argument: str) -> tuple[str, ...]:
    if names is None:
        return (stem,) if count == 1 and stem == "y" else tuple(f"{stem}{i}" for i in range(count))
    if len(names) != count:
        raise ValueError(f"draw_network: {argument} has {len(names)} names for {count} units")
    return names


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


def _shown_units(size: int, max_units: int | None) -> list[int | None]:
    """The unit indices drawn, with None where the "…" unit stands for the ones left out.

    >>> _shown_units(3, 10), _shown_units(12, 4)
    ([0, 1, 2], [0, 1, None, 10, 11])
    """
    if max_units is None or size <= max_units:
        return list(range(size))
    head = (max_units + 1) // 2
    tail = max_units - head
    return [*range(head), None, *range(size - tail, size)]


def _emit_column(
    diagram: Diagram, c: int, column: _Column, shown: list[int | None], colours: Palette,
    amount: Callable[[Value], float], looks: dict[str, dict[str, str]], number_format: NumberFormat,
) -> None:
    """A column: its title on top, then its units in order (kept in order by invisible links in one rank)."""
    title = f"c{c}_title"
    diagram.node(title, id=title, label=plain_label(column.title), shape="plaintext", fontname=FONT, fontsize="10",
                 fontcolor=colours.faint)
    names = [title]
    for j in shown:
        if j is None:
            name = f"c{c}_more"
            left_out = column.size - (len(shown) - 1)
            diagram.node(name, id=name, label=plain_label(f"…\n{left_out} more"), shape="plaintext", fontname=FONT,
                         fontsize="10", fontcolor=colours.faint)
        else:
            name = f"c{c}_u{j}"
            if c == 0:
                fill, tooltip = colours.neutral, f"input {column.labels[j]}"
            else:
                fill = looks[name]["fillcolor"]
                tooltip = _describe(column.biases[j], "b", number_format)
            diagram.node(name, id=name, label=plain_label(column.labels[j]), tooltip=plain_label(tooltip),
                         shape="circle", style="filled", fillcolor=fill, width="0.34", fixedsize="true",
                         color=colours.ink, penwidth="1.1", fontname=FONT, fontsize="9")
        names.append(name)
        diagram.node_count += 1
    # one rank per column; invisible links in order keep the units top to bottom (left to right in TB)
    diagram.body.append(f"\t{{rank=same; {' -> '.join(names)} [style=invis]}}\n")


def _describe(parameter: Value, fallback: str, number_format: NumberFormat) -> str:
    """A parameter's tooltip: its dotted name (nn labels parameters with it), value and gradient."""
    return (f"{parameter.label or fallback}: value {format_number(parameter.data, number_format)}, "
            f"gradient {format_number(parameter.grad, number_format)}")


def _connection(value: float, scale: float, colours: Palette) -> dict[str, str]:
    """A connection's look: colour by sign, width (and strength of colour) by magnitude."""
    if math.isnan(value):
        return {"color": colours.invalid, "penwidth": f"{_WIDEST:.2f}", "arrowhead": "none", "style": "dashed"}
    if value == 0.0 or scale <= 0.0:
        return {"color": colours.faint, "penwidth": f"{_THINNEST:.2f}", "arrowhead": "none", "style": "dotted"}
    ratio = 1.0 if math.isinf(value) else min(1.0, abs(value) / scale)
    end = colours.positive if value > 0 else colours.negative
    return {
        "color": blend(colours.neutral, end, 0.35 + 0.65 * math.sqrt(ratio)),
        "penwidth": f"{_THINNEST + (_WIDEST - _THINNEST) * ratio:.2f}",
        "arrowhead": "none",
    }


def _legend(show: str, biggest: float, scale: float, colours: Palette, number_format: NumberFormat) -> str:
    what = "weight" if show == "weights" else "gradient"
    faint = f'<FONT COLOR="{colours.faint}">'
    if biggest == 0.0:
        note = ("every gradient is 0: run backward() first (or zero_grad() was just called)"
                if show == "gradients" else "every weight is 0")
        return f"<{faint}{html_text(note)}</FONT>>"
    rows = [
        f'<TR><TD ALIGN="LEFT">{faint}line</FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT COLOR="{colours.positive}">━━ {what} &gt; 0</FONT>   '
        f'<FONT COLOR="{colours.negative}">━━ {what} &lt; 0</FONT>   '
        f"width ∝ |{what}|, full width at {html_text(format_number(scale, number_format))}"
        f" (largest {html_text(format_number(biggest, number_format))})</TD></TR>",
        f'<TR><TD ALIGN="LEFT">{faint}unit fill</FONT></TD>'
        f'<TD ALIGN="LEFT">its bias{"" if show == "weights" else "’s gradient"}, on the same colours</TD></TR>',
    ]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{"".join(rows)}</TABLE>>'
