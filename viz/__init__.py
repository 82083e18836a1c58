"""gradtrace's renderers: any ``Value`` graph drawn with its forward values and gradients.

>>> from autograd import Value
>>> import viz
>>> x = Value(3.0, label="x")
>>> y = x * x
>>> y.backward()
>>> diagram = viz.draw(y)          # a graphviz.Digraph: .source, .render(), notebook display
>>> "grad 6.0000" in diagram.source
True
"""

from viz.diagram import Diagram
from viz.dot_runner import DotFailedError, DotNotFoundError, DotTimeoutError, run_dot
from viz.draw import draw, draw_model
from viz.expression import ExpressionError, parse_expression
from viz.graph_model import DEFAULT_MAX_NODES, Gate, GraphModel, InputEdge, ValueNode, describe
from viz.groups import Group, TooManyNodesError
from viz.labels import NO_GRADIENT
from viz.options import DrawOptions
from viz.palette import PALETTES, Palette
from viz.render import render

__all__ = [
    "DEFAULT_MAX_NODES",
    "NO_GRADIENT",
    "PALETTES",
    "Diagram",
    "DotFailedError",
    "DotNotFoundError",
    "DotTimeoutError",
    "DrawOptions",
    "ExpressionError",
    "Gate",
    "GraphModel",
    "Group",
    "InputEdge",
    "Palette",
    "TooManyNodesError",
    "ValueNode",
    "describe",
    "draw",
    "draw_model",
    "parse_expression",
    "render",
    "run_dot",
]
