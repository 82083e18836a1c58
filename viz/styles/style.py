"""What a drawing style is: the one object that owns everything two styles do differently.

``draw_model`` and the player only talk to a ``Style``; neither asks which style it has.
A style owns:

- its DOT: ``graph_attributes`` (``network_attributes`` for a network) and ``emit`` (nodes and
  edges on a ``Canvas``), including the markup of a value's gradient slot, which ``emit`` can
  fill with any text (``grad_texts``: a player lays out the longest text a frame writes there,
  so every frame fits one layout);
- how a value's text reads at run time (``field_text``: ``grad 0.2000`` or ``0.20``);
- how its SVG elements are found (``value_elements``) and how they change per frame
  (``value_state``, ``gate_state``, painted through the player's ``Paint``);
- its legend rows (``legend_rows``), built from the same attributes its nodes are drawn with.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from viz.model.graph_model import Gate, GraphModel
    from viz.number_format import NumberFormat
    from viz.options import DrawOptions
    from viz.styles.canvas import Canvas

# a frame's change to the SVG: for each tagged element, the attributes to set ("text": its text)
State = dict[str, dict[str, str]]


@dataclass(frozen=True)
class LegendRow:
    """One legend row: a heading and table cells (HTML-like DOT) filling ``columns`` of the legend's columns."""

    title: str
    cells: tuple[str, ...]
    columns: int


class Paint(Protocol):
    """How a player colours elements in a frame (the same scale and highlight for every style)."""

    def fill(self, grad: float | None) -> str:
        """The fill for a gradient on the player's fixed scale."""

    def line(self, key: str, lit: bool) -> dict[str, str]:
        """A wire, rule or arrowhead's attributes: highlighted, or as Graphviz drew it."""

    def has(self, key: str) -> bool:
        """Whether the element ``key`` was found in the SVG."""


class Style(ABC):
    """A drawing style (see the module docstring). ``name`` is what ``DrawOptions.style`` says."""

    name: ClassVar[str]
    default_number_format: ClassVar[NumberFormat]

    @abstractmethod
    def graph_attributes(self, options: DrawOptions) -> dict[str, str]:
        """Layout settings of this style (added to the common graph attributes)."""

    @abstractmethod
    def network_attributes(self, options: DrawOptions) -> dict[str, str]:
        """Layout settings replacing ``graph_attributes``' when the graph is drawn as a network (``Canvas.network``)."""

    @abstractmethod
    def emit(self, model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas,
             grad_texts: Mapping[str, str] | None = None) -> None:
        """Add the nodes and edges of ``model`` to ``canvas``.

        ``grad_texts``: the text each value's gradient slot holds, by value id, instead of its
        formatted gradient (the player sizes the layout with the widest text of any frame).
        """

    @abstractmethod
    def field_text(self, field: str, text: str) -> str:
        """A value's ``"data"`` or ``"grad"`` text as this style writes it into the SVG."""

    @abstractmethod
    def value_elements(self, group: ET.Element, options: DrawOptions) -> dict[str, ET.Element]:
        """The SVG elements of one value's node group, by part: ``"data"``, ``"grad"`` and the style's own.

        The style may also place the texts for run-time rewriting (a circuit centres them on the wire).
        """

    @abstractmethod
    def value_state(self, value_id: str, grad: float | None, feeding: bool, paint: Paint) -> State:
        """The style's own per-frame attributes of a value (beyond its texts): ``feeding`` = its wire is in use."""

    @abstractmethod
    def gate_state(self, gate: Gate, output_grad: float | None, paint: Paint) -> State:
        """The style's own per-frame attributes of a gate (beyond the ring of the gate being worked)."""

    @abstractmethod
    def legend_rows(self, model: GraphModel, options: DrawOptions) -> list[LegendRow]:
        """The legend rows that explain what this style encodes (after the common gradient row)."""


_SHAPES = ("ellipse", "polygon", "path")


def svg_shape(group: ET.Element) -> ET.Element:
    """The outline of a node in its SVG group (Graphviz draws it before the texts)."""
    for element in group:
        if element.tag in _SHAPES:
            return element
    raise RuntimeError(f"viz: node {group.get('id')} has no outline in the SVG")
