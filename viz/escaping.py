"""Make arbitrary text safe inside DOT labels, so every label renders exactly as written.

Graphviz gives characters special meanings in three kinds of label, and every user-supplied
name (a ``Value`` label, a scope name) passes through one of the functions here:

- record fields (``shape=record``): ``{ } | < >`` separate fields and ports, runs of spaces
  collapse, and a backslash starts an escape (``\\n``, ``\\N``);
- plain labels (escString): a backslash starts an escape;
- HTML-like labels (``label=<...>``): markup.

In all three Graphviz also decodes entity references (``&amp;``), so ``&`` is escaped too.
Characters that cannot be drawn or carried in SVG's XML become visible stand-ins (see
``printable``). Line breaks (``\\n``, ``\\r\\n``, ``\\r``) become centred line breaks.
"""

from __future__ import annotations

import re

import graphviz

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_REPLACEMENT = "\ufffd"
_SPACE_RUN = re.compile(" {2,}")


def _visible(char: str) -> str:
    code = ord(char)
    if code in _CONTROL_PICTURES:
        return _CONTROL_PICTURES[code]
    # XML 1.0 forbids lone surrogates and the two non-characters U+FFFE and U+FFFF
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return _REPLACEMENT
    return char


def printable(text: str) -> list[str]:
    """The lines of ``text``, with characters SVG cannot carry replaced by visible stand-ins.

    Control characters become their Unicode control pictures (a tab shows as ``␉``), and
    characters XML 1.0 forbids (lone surrogates, U+FFFE, U+FFFF) become ``�``.

    >>> printable("a\\tb\\r\\nc")
    ['a␉b', 'c']
    """
    return ["".join(_visible(char) if char < " " or char >= "\x7f" else char for char in line)
            for line in _LINE_BREAK.split(text)]


def visible_text(text: str) -> str:
    """``text`` with characters a page cannot carry replaced as ``printable`` does, line breaks kept.

    HTML and JSON written as UTF-8 cannot hold a lone surrogate (a label made from bytes
    decoded with ``surrogateescape``); a page shows ``�`` instead of failing to be written.

    >>> visible_text("x\\udc80y\\nz")
    'x�y\\nz'
    """
    return "\n".join(printable(text))


def _escape_lines(text: str, table: dict[int, str], line_break: str) -> str:
    return line_break.join(line.translate(table) for line in printable(text))


_PLAIN = str.maketrans({"\\": "\\\\", '"': '\\"', "&": "&amp;"})
_RECORD = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "&": "&amp;"} | {char: "\\" + char for char in "{}|<>"}
)
# Graphviz expands escString sequences (``\\N`` is the node name) even inside HTML-like labels
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\\": "\\\\"})


def plain_label(text: str) -> str:
    """``text`` for a plain (non-record, non-HTML) DOT label, to be used as is.

    >>> print(plain_label('say "hi"\\n<there>'))
    say \\"hi\\"\\n<there>
    """
    return graphviz.nohtml(_escape_lines(text, _PLAIN, "\\n"))  # type: ignore[no-any-return]


def record_field(text: str) -> str:
    """``text`` for one field of a record label (the caller joins fields with ``|``).

    >>> print(record_field("a|b {c}"))
    a\\|b \\{c\\}
    """
    return "\\n".join(_record_line(line) for line in printable(text))


def _record_line(line: str) -> str:
    # Graphviz collapses a run of plain spaces in a record field into one and trims the field's
    # ends; escaped spaces survive, except leading ones, which are trimmed anyway (no-break spaces are not)
    body = line.strip(" ")
    leading = len(line) - len(line.lstrip(" "))
    trailing = len(line) - len(line.rstrip(" ")) if body else 0
    inner = _SPACE_RUN.sub(lambda run: " " + "\\ " * (len(run.group()) - 1), body.translate(_RECORD))
    return "\u00a0" * leading + inner + "\\ " * trailing


def html_text(text: str) -> str:
    """``text`` for the inside of an HTML-like label (lines joined with ``<BR/>``).

    >>> print(html_text("x < 1 & y\\nz"))
    x &lt; 1 &amp; y<BR/>z
    """
    return _escape_lines(text, _HTML, "<BR/>")
