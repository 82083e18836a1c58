"""The drawing styles, one object each, and what they draw with: the canvas (DOT) and the legend.

``STYLES`` maps each name ``DrawOptions.style`` accepts to its ``Style`` object.
"""

from collections.abc import Mapping

from viz.styles.circuit import CircuitStyle
from viz.styles.graph import GraphStyle
from viz.styles.style import Style

STYLES: Mapping[str, Style] = {"graph": GraphStyle(), "circuit": CircuitStyle()}

__all__ = ["STYLES", "CircuitStyle", "GraphStyle", "Style"]
