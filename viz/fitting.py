"""Sizing an SVG for a column: shrunk to fit while its text stays readable.

Graphviz writes an SVG's size in points (``width="758pt"``) with a ``viewBox`` over the
drawing, so changing the two size attributes scales the whole drawing. A diagram wider than
the column is shrunk to the column, but never below ``MIN_SCALE`` of its own size, where its
11 pt text (14.7 px) would fall under 10 px; past that it keeps ``MIN_SCALE`` and is wider
than the column (a notebook scrolls it, the player's stage scrolls sideways).
"""

from __future__ import annotations

import re

# JupyterLab's output column, in CSS pixels (96 per inch: 0.75 pt per px)
COLUMN_PX = 850
MIN_SCALE = 0.7
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def fit_svg(svg: str, column_px: float = COLUMN_PX) -> str:
    """``svg`` scaled down to ``column_px`` wide (not below ``MIN_SCALE``); unchanged when it fits or has no size.

    >>> fit_svg('<svg width="900pt" height="300pt" viewBox="0 0 900 300">')
    '<svg width="637.5pt" height="212.5pt" viewBox="0 0 900 300">'
    >>> fit_svg('<svg width="3000pt" height="300pt">')  # at most 0.7 smaller
    '<svg width="2100pt" height="210pt">'
    """
    match = _SIZE.search(svg)
    if match is None:
        return svg
    width, height = float(match.group(1)), float(match.group(2))
    scale = max(min(1.0, column_px * 0.75 / width), MIN_SCALE)
    if scale == 1.0:
        return svg
    return svg.replace(match.group(0), f'<svg width="{width * scale:g}pt" height="{height * scale:g}pt"', 1)


def min_width_px(svg: str) -> float | None:
    """The width in px below which ``svg``'s text would be smaller than 10 px (``MIN_SCALE`` of its own size).

    >>> min_width_px('<svg width="750pt" height="10pt">')
    700.0
    """
    match = _SIZE.search(svg)
    return None if match is None else float(match.group(1)) / 0.75 * MIN_SCALE
