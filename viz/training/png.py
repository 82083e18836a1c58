"""A small RGB image as a PNG data URI: the decision boundary's heatmap, a few kB per snapshot.

The browser scales it up smoothly, so a coarse grid of model outputs reads as a continuous field.
Only the standard library (``zlib``, ``struct``): PNG is a signature and three chunks.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """A PNG of ``rows`` (top row first), each pixel a ``#rrggbb`` colour.

    >>> png_bytes([["#ff0000", "#0000ff"]])[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    height, width = len(rows), len(rows[0]) if rows else 0
    if height == 0 or width == 0 or any(len(row) != width for row in rows):
        raise ValueError(f"png_bytes: rows must be a non-empty rectangle of colours, got {height} rows")
    raw = b"".join(b"\x00" + bytes.fromhex("".join(colour[1:] for colour in row)) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    body = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def png_data_uri(rows: Sequence[Sequence[str]]) -> str:
    """``rows`` (as for ``png_bytes``) as a ``data:image/png;base64,…`` URI for an SVG ``<image>``.

    >>> png_data_uri([["#ffffff"]]).startswith("data:image/png;base64,iVBOR")
    True
    """
    return "data:image/png;base64," + base64.b64encode(png_bytes(rows)).decode("ascii")
