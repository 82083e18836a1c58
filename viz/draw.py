"""``draw``: a ``Value`` graph as a ``graphviz.Digraph`` (a ``Diagram``) in the ``"graph"`` or ``"circuit"`` style.

``draw`` = ``describe`` (the graph model, collapse decisions included) + ``draw_model``
(DOT for one style). A player that re-labels a model per frame calls ``draw_model`` itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from autograd import Value
from viz.diagram import Diagram
from viz.model.graph_model import DEFAULT_MAX_NODES, GraphModel, describe
from viz.options import FIELDS, DrawOptions
from viz.palette import Palette, gradient_scale
from viz.styles import circuit as circuit_style
from viz.styles import graph as graph_style
from viz.styles.canvas import FONT, Canvas
from viz.styles.legend import legend_label

_STYLES = {"graph": graph_style, "circuit": circuit_style}


def draw(
    root: Value,
    *,
    style: str = "graph",
    rankdir: str = "LR",
    precision: int | None = None,
    number_format: str | None = None,
    show: Iterable[str] = FIELDS,
    collapse: bool | Collection[str] = False,
    clusters: bool = True,
    palette: str | Palette = "default",
    legend: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    on_overflow: str = "collapse",
    parameters: Iterable[Value] | None = None,
    group_symbols: Mapping[str, str] | None = None,
) -> Diagram:
    """Draw ``root``'s graph with its forward values and gradients; returns a ``graphviz.Digraph``.

    - ``style``: ``"graph"`` (a record per value: label | data | grad, a node per op) or
      ``"circuit"`` (cs231n: gates, wires carrying value above and gradient below).
    - ``rankdir``: ``"LR"`` or ``"TB"``; ``precision`` (decimals) or ``number_format`` (a
      format spec such as ``".3g"``); default 4 decimals (graph), 2 (circuit).
    - ``show``: any of ``"label"``, ``"data"``, ``"grad"``.
    - ``collapse``: ``True`` (every top-level group) or group names: each group becomes one
      gate whose local gradient is the group's; ``clusters``: box the expanded groups.
    - ``palette``: ``"default"`` or ``"colorblind"`` (see ``viz.palette``); ``legend``.
    - ``max_nodes``: past this many values and gates, collapse groups innermost first
      (``on_overflow="collapse"``) or raise ``TooManyNodesError`` (``"raise"``); ``None``: no limit.
    - ``parameters``: leaves to mark as parameters (default: each leaf used in one group only).
    - ``group_symbols``: a collapsed group's text by group name (default ``{"sigmoid gate": "σ"}``).

    Before ``backward()`` gradients show as "—". The DOT text is deterministic.

    >>> from autograd.examples import sigmoid_circuit
    >>> wires = sigmoid_circuit()
    >>> wires["f"].backward()
    >>> diagram = draw(wires["f"], style="circuit", collapse=["sigmoid gate"])
    >>> 'label="σ"' in diagram.source, diagram.size_text()
    (True, '21 nodes and 20 edges')
    """
    options = DrawOptions.build(
        style=style,
        rankdir=rankdir,
        precision=precision,
        number_format=number_format,
        show=show,
        palette=palette,
        clusters=clusters,
        legend=legend,
        group_symbols=group_symbols,
    )
    model = describe(root, collapse=collapse, max_nodes=max_nodes, on_overflow=on_overflow, parameters=parameters)
    return draw_model(model, options)


def draw_model(model: GraphModel, options: DrawOptions) -> Diagram:
    """The DOT diagram of a graph model in ``options.style``."""
    scale = options.gradient_scale
    if scale is None:
        scale = gradient_scale([node.grad for node in model.values])
    style = _STYLES[options.style]
    attributes = {
        "rankdir": options.rankdir,
        "bgcolor": "white",
        "pad": "0.2",
        "fontname": FONT,
        "fontsize": "10",
        "outputorder": "edgesfirst",  # wires pass under the value tables and gates
        "ordering": "in",  # a gate's inputs top to bottom in input order (w0 above x0, as in cs231n)
        **style.graph_attributes(options),
    }
    if options.legend:
        attributes.update(label=legend_label(model, options, scale), labelloc="b", labeljust="l")
    canvas = Canvas(model, options, attributes)
    style.emit(model, options, scale, canvas)
    return canvas.finish()
