"""The drawing styles (``graph``, ``circuit``), the canvas they write DOT into, and the legend."""
