"""``draw``: a ``Value`` graph as a ``graphviz.Digraph`` (a ``Diagram``) in the ``"graph"`` or ``"circuit"`` style.

``draw`` = ``describe`` (the graph model, collapse decisions included) + ``draw_model``
(DOT for one style). A player that re-labels a model per frame calls ``draw_model`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from autograd import Tensor, Value
from viz.diagram import Diagram
from viz.model.graph_model import GraphModel, describe
from viz.model.network import network_columns
from viz.options import STATIC_DRAWING, DrawOptions, GraphKeywords
from viz.palette import gradient_scale
from viz.styles.canvas import FONT, Canvas
from viz.styles.legend import graph_label
from viz.tensor_draw import draw_tensor, tensor_options

if TYPE_CHECKING:
    from typing_extensions import Unpack


def draw(root: Value | Tensor, **options: Unpack[GraphKeywords]) -> Diagram:
    """Draw ``root``'s graph with its forward values and gradients; returns a ``graphviz.Digraph``.

    - ``style``: ``"graph"`` (micrograd's look: a record per value, label | data | grad, a node per
      op) or ``"circuit"`` (cs231n: gates, wires carrying value above and gradient below). None
      (the default): ``"circuit"`` for a network (nn's layers and neurons, or scopes nested alike:
      ``viz.model.network.is_network``), ``"graph"`` for anything else (``viz.options.DEFAULT_STYLE``).
    - ``rankdir``: ``"LR"`` or ``"TB"``; ``precision`` (significant digits) or ``decimals``;
      default 4 significant digits (graph), 2 decimals (circuit, as the cs231n figure); very
      large and small magnitudes are scientific (see ``viz.number_format``).
    - ``output_name``: what an output without a label is called at the end of its wire (``"f"``).
    - ``show``: any of ``"label"``, ``"data"``, ``"grad"``.
    - ``collapse``: ``True`` (every top-level group) or group names: each group becomes one
      gate whose local gradient is the group's; ``clusters``: box the expanded groups.
    - ``palette``: ``"default"`` or ``"colorblind"`` (see ``viz.palette``); ``legend``.
    - ``max_nodes``: past this many values and gates, collapse groups innermost first
      (``on_overflow="collapse"``) or raise ``TooManyNodesError`` (``"raise"``); ``None``: no limit.
    - ``parameters``: leaves to mark as parameters (default: each leaf used in one group only).
    - ``group_symbols``: a collapsed group's text by group name (default ``{"sigmoid gate": "σ"}``).
    - ``gradient_scale``: the |gradient| drawn with the strongest fill (default: the largest drawn);
      fix it so two drawings' colours compare.

    ``collapse``, ``max_nodes``, ``on_overflow`` and ``parameters`` pick the graph model
    (``viz.model.options.ModelOptions``), the others are the drawing's (``viz.options.DrawOptions``);
    an option ``draw`` does not take is a ``TypeError`` naming it.

    A ``Tensor`` is drawn as matrices (``viz.tensor_draw.draw_tensor``: its options ``rankdir``, ``precision``,
    ``palette``, ``max_cells``, ``picture_cells``, ``output_name``, ``legend``, ``expand``: each layer is one box
    with its equations unless expanded).

    Before ``backward()`` gradients show as "—". A leaf whose ``.grad`` holds more than this
    graph sends it (an earlier ``backward()``, another graph) is named in a note with the
    remedy, even with ``legend=False``. The DOT text is deterministic.

    >>> from autograd.examples import sigmoid_circuit
    >>> wires = sigmoid_circuit()
    >>> wires["f"].backward()
    >>> diagram = draw(wires["f"], style="circuit", collapse=["sigmoid gate"])
    >>> 'label="σ"' in diagram.source, diagram.size_text()
    (True, '21 nodes and 20 edges')
    """
    if isinstance(root, Tensor):  # the matrix view: its own drawing (viz.tensor_draw)
        return draw_tensor(root, **tensor_options(dict(options)))
    request = STATIC_DRAWING.build("draw", options)
    model = describe(root, request.model_options)
    return draw_model(model, request.drawing_for(model))


def draw_model(model: GraphModel, options: DrawOptions, grad_texts: Mapping[str, str] | None = None) -> Diagram:
    """The DOT diagram of a graph model, drawn by ``options.style``.

    ``grad_texts``: the text of each value's gradient slot by value id, instead of its gradient
    (a player lays out its widest frame text this way; see ``Style.emit``).
    """
    scale = options.gradient_scale
    if scale is None:
        scale = gradient_scale([node.grad for node in model.values])
    style = options.style
    attributes = {
        "rankdir": options.rankdir,
        "bgcolor": "white",
        "pad": "0.2",
        "fontname": FONT,
        "fontsize": "10",
        "outputorder": "edgesfirst",  # wires pass under the value tables and gates
        "ordering": "in",  # a gate's inputs top to bottom in input order (w0 above x0, as in cs231n)
        "remincross": "false",  # its pass over the whole graph reshuffles a cluster's inputs (see styles/canvas.py)
        **style.graph_attributes(options),
    }
    columns = network_columns(model)
    if columns is not None:
        attributes.update(style.network_attributes(options))
    samples = 1 if columns is None or not columns.shared else columns.samples
    label = graph_label(model, options, scale, style.legend_rows(model, options), samples)
    if label is not None:
        attributes.update(label=label, labelloc="b", labeljust="l")
    canvas = Canvas(model, options, attributes)
    if columns is not None:
        canvas.network(columns)
    style.emit(model, options, scale, canvas, grad_texts)
    return canvas.finish()
