"""Network diagrams: an ``nn`` model as columns of units."""

from viz.network.draw import draw_network

__all__ = ["draw_network"]
