"""gradtrace's renderers: any ``Value`` graph drawn with its forward values and gradients.

``draw`` and ``render`` draw a graph; ``backprop_steps`` / ``forward_steps`` step through a
pass, one frame per engine step, on one layout; ``draw_network`` draws an ``nn`` model's
layers as columns of units.

>>> from autograd import Value
>>> import viz
>>> x = Value(3.0, label="x")
>>> y = x * x
>>> y.backward()
>>> diagram = viz.draw(y)          # a graphviz.Digraph: .source, .render(), notebook display
>>> "grad 6.000" in diagram.source
True
"""

from viz.cli.expression import ExpressionError, parse_expression
from viz.diagram import Diagram
from viz.dot_runner import DotFailedError, DotNotFoundError, DotTimeoutError, run_dot
from viz.draw import draw, draw_model
from viz.model.graph_model import Gate, GraphModel, InputEdge, ValueNode, describe
from viz.model.groups import Group, TooManyNodesError
from viz.model.layout_cost import LayoutTooCostlyError
from viz.network.draw import draw_network
from viz.number_format import NO_GRADIENT, NumberFormat, format_number
from viz.options import DEFAULT_MAX_NODES, DrawOptions, ModelOptions
from viz.palette import PALETTES, Palette
from viz.player.frames import Frame
from viz.player.player import Player, backprop_steps, forward_steps
from viz.render import render
from viz.tensor_draw import draw_tensor
from viz.tensor_player import TensorPlayer, tensor_backprop_steps

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
    "Frame",
    "Gate",
    "GraphModel",
    "Group",
    "InputEdge",
    "LayoutTooCostlyError",
    "ModelOptions",
    "NumberFormat",
    "Palette",
    "Player",
    "TensorPlayer",
    "TooManyNodesError",
    "ValueNode",
    "backprop_steps",
    "describe",
    "draw",
    "draw_model",
    "draw_network",
    "draw_tensor",
    "format_number",
    "forward_steps",
    "parse_expression",
    "render",
    "run_dot",
    "tensor_backprop_steps",
]
