"""Colours: the diverging gradient scale and the two palettes (``"default"`` and ``"colorblind"``).

A node's fill encodes its gradient: white at 0, shading towards ``negative`` or ``positive``
with the gradient's magnitude relative to the largest one drawn (square-root scale, so small
gradients stay visible). ``"default"`` uses the cs231n colours for wire text (values green,
gradients red) and a red–blue fill scale. ``"colorblind"`` replaces every red/green pair:
values blue and gradients vermillion (Okabe–Ito), fills orange–purple (ColorBrewer PuOr),
which stay distinct under deuteranopia, protanopia and tritanopia.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    """The colours of one palette, as ``#rrggbb`` strings."""

    name: str
    negative: str  # fill at the most negative gradient
    positive: str  # fill at the most positive gradient
    neutral: str  # fill at gradient 0
    missing: str  # fill when there is no gradient yet (before backward)
    invalid: str  # fill for a nan gradient
    value_text: str  # forward values (circuit: above the wire)
    grad_text: str  # gradients (circuit: below the wire)
    ink: str  # outlines, edges and text
    faint: str  # secondary text and lines (op nodes, constants, clusters)
    cluster_fill: str  # background of a group's box


# the greys both palettes share
_GREYS = {
    "neutral": "#ffffff",
    "missing": "#f4f4f4",
    "invalid": "#bdbdbd",
    "ink": "#262626",
    "faint": "#757575",
    "cluster_fill": "#f7f7fa",
}
PALETTES: Mapping[str, Palette] = {
    "default": Palette(
        name="default", negative="#d6604d", positive="#4393c3", value_text="#1b7f3b", grad_text="#c62828", **_GREYS
    ),
    "colorblind": Palette(
        name="colorblind", negative="#e66101", positive="#5e3c99", value_text="#0072b2", grad_text="#d55e00", **_GREYS
    ),
}

# Fill strength (0 = neutral, 1 = the palette's end colour) at the smallest and largest non-zero gradient.
_WEAKEST = 0.12
_STRONGEST = 0.85


def get_palette(name: str) -> Palette:
    """The palette called ``name``, or a ValueError listing the choices.

    >>> get_palette("colorblind").value_text
    '#0072b2'
    """
    try:
        return PALETTES[name]
    except KeyError:
        raise ValueError(f"unknown palette {name!r}; choose one of {', '.join(sorted(PALETTES))}") from None


def blend(start: str, end: str, amount: float) -> str:
    """The colour ``amount`` (0..1) of the way from ``start`` to ``end``, in sRGB.

    >>> blend("#ffffff", "#000000", 0.5)
    '#808080'
    """
    channels = []
    for offset in (1, 3, 5):
        a, b = int(start[offset : offset + 2], 16), int(end[offset : offset + 2], 16)
        channels.append(math.floor(a + (b - a) * amount + 0.5))
    return "#{:02x}{:02x}{:02x}".format(*channels)


def gradient_scale(grads: list[float | None]) -> float:
    """The largest finite |gradient|, the magnitude that gets the strongest fill (0 if there is none).

    >>> gradient_scale([None, -0.5, 0.25, float("inf")])
    0.5
    """
    finite = [abs(g) for g in grads if g is not None and math.isfinite(g)]
    return max(finite, default=0.0)


def gradient_fill(grad: float | None, scale: float, palette: Palette) -> str:
    """The fill for a gradient on the diverging scale whose ends are ±``scale``.

    0 is neutral; the sign picks the side; ``sqrt(|grad| / scale)`` the strength (clipped at
    the end colour, so ±inf is the end colour); nan and a missing gradient have their own colours.

    >>> p = get_palette("default")
    >>> gradient_fill(0.0, 1.0, p), gradient_fill(-1.0, 1.0, p), gradient_fill(None, 1.0, p)
    ('#ffffff', '#dc7868', '#f4f4f4')
    """
    if grad is None:
        return palette.missing
    if math.isnan(grad):
        return palette.invalid
    if grad == 0.0:
        return palette.neutral
    ratio = 1.0 if scale <= 0.0 or math.isinf(grad) else min(1.0, abs(grad) / scale)
    strength = _WEAKEST + (_STRONGEST - _WEAKEST) * math.sqrt(ratio)
    return blend(palette.neutral, palette.negative if grad < 0 else palette.positive, strength)
