"""The HTML of a step-through player: one SVG, the frames as states, and controls; no external files.

Everything is inline (CSS, script, SVG, data), so the page works offline and inside Jupyter.
The first frame is drawn in the SVG as given; the data holds that frame's complete state
(``base``) and, for each later frame, what changes from the frame before (``deltas``). The
script applies them by setting attributes on the elements tagged ``data-gt`` (see
``viz.player.stage``), so going to any frame is: the base, then the deltas up to it.

Several players on one page never clash: each looks only inside its own container, found by
``data-gt-player`` (a hash of its content, so the same player always gets the same id, and
a player displayed twice is wired twice, each copy to itself).

Controls: first / previous / play-pause / next / last buttons, a slider, and the keys
← → (also ↑ ↓), Home, End and space while the player has focus (in a standalone page, also
when nothing else on the page has it).

A page may have a second axis, ``Choices`` (the training replay's examples): some elements'
attributes depend on a choice as well as on the frame. Clicking an element marked
``data-gt-choice="k"`` chooses k; the chosen one gets the class ``gt-chosen`` and the element
``.gt-choice-label`` its label. A choice's values are given in full per frame (one row of
tab-separated values per frame and choice), compact enough for a hundred choices of fifty frames.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from viz.escaping import visible_text
from viz.fitting import fit_svg, min_width_px

_CSS = """
.gt-player { font-family: Helvetica, Arial, sans-serif; color: #262626; max-width: 100%; outline: none;
  padding: 6px; border-radius: 6px; }
.gt-player:focus-visible { box-shadow: 0 0 0 2px #f2a900; }
.gt-player .gt-caption { font-size: 15px; line-height: 1.4; min-height: 1.4em; margin: 0 0 4px; }
.gt-player .gt-head { position: sticky; top: 0; z-index: 1; background: white; padding: 4px 0 2px;
  border-bottom: 1px solid #e4e4e4; }
.gt-player .gt-work { font-size: 14px; line-height: 1.45; min-height: 1.45em; margin: 0 0 6px; color: #3a3a3a;
  font-variant-numeric: tabular-nums; white-space: pre-wrap; overflow-wrap: anywhere; columns: 22em auto;
  column-gap: 2em; }
.gt-player .gt-stage { overflow-x: auto; }
.gt-player .gt-stage svg { max-width: 100%; height: auto; display: block; }
.gt-player .gt-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 2px 0 4px; }
.gt-player button { font: inherit; font-size: 14px; padding: 4px 12px; border: 1px solid #b5b5b5;
  border-radius: 4px; background: #f6f6f6; color: #262626; cursor: pointer; }
.gt-player button:hover:not(:disabled) { background: #ececec; }
.gt-player button:disabled { opacity: 0.4; cursor: default; }
.gt-player .gt-slider { flex: 1 1 180px; accent-color: #f2a900; }
.gt-player .gt-counter { font-size: 14px; min-width: 9em; font-variant-numeric: tabular-nums; }
.gt-player .gt-keys { font-size: 12px; color: #757575; margin-top: 4px; }
"""

# PLAYER_ID and STANDALONE are filled in by ``player_fragment`` (the script has no other inputs)
_SCRIPT = """
(function () {
  var standalone = STANDALONE;
  document.querySelectorAll('[data-gt-player="PLAYER_ID"]').forEach(function (root) {
    if (root.getAttribute('data-gt-ready')) { return; }
    root.setAttribute('data-gt-ready', '1');
    var data = JSON.parse(root.querySelector('.gt-data').textContent);
    var slots = {};
    root.querySelectorAll('[data-gt]').forEach(function (element) {
      slots[element.getAttribute('data-gt')] = element;
    });
    function part(name) { return root.querySelector('.gt-' + name); }
    var slider = part('slider'), counter = part('counter'), caption = part('caption'), work = part('work');
    var buttons = {};
    ['first', 'prev', 'play', 'next', 'last'].forEach(function (name) { buttons[name] = part(name); });
    var count = data.captions.length, current = 0, timer = null, ready = false;
    var choices = data.choices || null, chosen = choices ? choices.start : 0;

    function set(element, name, value) {
      if (name === 'text') { element.textContent = value; } else { element.setAttribute(name, value); }
    }
    function apply(state) {
      Object.keys(state).forEach(function (key) {
        var element = slots[key], attributes = state[key];
        Object.keys(attributes).forEach(function (name) { set(element, name, attributes[name]); });
      });
    }
    function applyChoice(frame) {
      if (choices === null) { return; }
      var row = choices.rows[frame][chosen].split('\\t');
      choices.keys.forEach(function (key, i) { set(slots[key[0]], key[1], row[i]); });
      root.querySelectorAll('[data-gt-choice]').forEach(function (element) {
        var classes = (element.getAttribute('class') || '').replace(/\\s*gt-chosen/g, '');
        if (element.getAttribute('data-gt-choice') === String(chosen)) { classes += ' gt-chosen'; }
        element.setAttribute('class', classes.trim());
      });
      var label = part('choice-label');
      if (label) { label.textContent = choices.labels[chosen]; }
      root.setAttribute('data-choice', String(chosen));
    }
    function show(frame) {
      frame = Math.max(0, Math.min(count - 1, frame));
      if (frame < current) { apply(data.base); current = 0; }
      while (current < frame) { current += 1; apply(data.deltas[current - 1]); }
      applyChoice(frame);
      slider.value = String(frame);
      counter.textContent = data.steps[frame];
      caption.textContent = data.captions[frame];
      work.textContent = data.work[frame].join('\\n');
      buttons.first.disabled = buttons.prev.disabled = frame === 0;
      buttons.last.disabled = buttons.next.disabled = frame === count - 1;
      root.setAttribute('data-frame', String(frame));
      if (ready) { keepInView(frame); }
      reveal();
    }
    // a frame may name the element it is about (data.focus): brought into view when a step leaves it outside,
    // below the sticky head (a tall drawing's backward starts at its foot)
    function keepInView(frame) {
      var id = data.focus ? data.focus[frame] : null, element = id ? document.getElementById(id) : null;
      if (!element) { return; }
      var box = element.getBoundingClientRect(), head = part('head').getBoundingClientRect();
      var top = Math.max(head.bottom, 0), bottom = window.innerHeight;
      if (box.top < top || box.bottom > bottom) { element.scrollIntoView({block: 'center', inline: 'nearest'}); }
    }
    // a diagram wider than the stage scrolls sideways: bring the gate being worked into view
    // (a batch loss's later samples stand at the right, past the first sample's layers)
    function reveal() {
      var stage = part('stage'), gate = root.querySelector('.gt-current');
      if (!stage || !gate || stage.scrollWidth <= stage.clientWidth) { return; }
      var box = gate.getBoundingClientRect(), view = stage.getBoundingClientRect();
      if (box.left < view.left || box.right > view.right) {
        stage.scrollLeft += (box.left + box.right - view.left - view.right) / 2;
      }
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      buttons.play.textContent = '\\u25B6 play';
    }
    function play() {
      if (timer !== null) { stop(); return; }
      if (current === count - 1) { show(0); }
      buttons.play.textContent = '\\u275A\\u275A pause';
      timer = setInterval(function () {
        if (current >= count - 1) { stop(); } else { show(current + 1); }
      }, data.interval);
    }
    function step(by) { stop(); show(current + by); }

    buttons.first.addEventListener('click', function () { stop(); show(0); });
    buttons.prev.addEventListener('click', function () { step(-1); });
    buttons.next.addEventListener('click', function () { step(1); });
    buttons.last.addEventListener('click', function () { stop(); show(count - 1); });
    buttons.play.addEventListener('click', play);
    root.addEventListener('click', function (event) {
      var target = event.target.closest ? event.target.closest('[data-gt-choice]') : null;
      if (choices === null || target === null || !root.contains(target)) { return; }
      chosen = parseInt(target.getAttribute('data-gt-choice'), 10);
      applyChoice(current);
    });
    slider.addEventListener('input', function () { stop(); show(parseInt(slider.value, 10)); });

    var keys = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
    function onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (event.target === slider && event.key in keys) { return; }  // the slider moves itself
      if (event.key in keys) { step(keys[event.key]); }
      else if (event.key === 'Home') { stop(); show(0); }
      else if (event.key === 'End') { stop(); show(count - 1); }
      else if (event.key === ' ' && event.target.tagName !== 'BUTTON') { play(); }
      else { return; }
      event.preventDefault();
      event.stopPropagation();  // a notebook must not also move between cells
    }
    root.addEventListener('keydown', onKey);
    if (standalone) {
      document.addEventListener('keydown', function (event) {
        if (!root.contains(event.target)) { onKey(event); }
      });
      root.focus();
    }
    show(data.start);
    ready = true;
  });
})();
"""


@dataclass(frozen=True)
class Choices:
    """A page's second axis (see the module docstring): ``keys`` are the (element key, attribute) pairs a
    choice sets; ``rows[frame][choice]`` their values in that frame, in ``keys`` order; ``labels[choice]``
    the text of ``.gt-choice-label``; ``start`` the choice shown first.

    >>> Choices(keys=(("n1.data", "text"),), rows=[[["0.5"], ["1.5"]]], labels=["a", "b"]).encoded()["rows"]
    [['0.5', '1.5']]
    """

    keys: Sequence[tuple[str, str]]
    rows: Sequence[Sequence[Sequence[str]]]
    labels: Sequence[str]
    start: int = 0

    def encoded(self) -> dict[str, object]:
        """The page's data for the choices (each row's values joined by tabs), checked."""
        width = len(self.keys)
        if not 0 <= self.start < len(self.labels):
            raise ValueError(f"choices: start {self.start} is out of range: {len(self.labels)} choices")
        for frame, row in enumerate(self.rows):
            if len(row) != len(self.labels) or any(len(values) != width for values in row):
                raise ValueError(f"choices: frame {frame} needs {len(self.labels)} rows of {width} values")
            if any("\t" in value for values in row for value in values):
                raise ValueError(f"choices: a value in frame {frame} holds a tab, which separates values")
        return {"keys": [list(key) for key in self.keys], "rows": [["\t".join(values) for values in row]
                                                                     for row in self.rows],
                "labels": [visible_text(label) for label in self.labels], "start": self.start}


def readable(svg: str) -> str:
    """The stage's SVG: fitted to the column (``viz.fitting``), and never shown so small that its text is under 10 px.

    A wide diagram (the graph style's records) fitted into a 900 px column had 4 px text; at
    ``MIN_SCALE`` of its own size it stops shrinking and the stage scrolls sideways instead.

    >>> readable('<svg width="1000pt" height="10pt">')
    '<svg style="min-width: 933px" width="700pt" height="7pt">'
    """
    smallest = min_width_px(svg)
    fitted = fit_svg(svg)
    if smallest is None:
        return fitted
    return fitted.replace("<svg ", f'<svg style="min-width: {smallest:.0f}px" ', 1)


def player_id(svg: str, data_json: str) -> str:
    """A deterministic id for a player: a hash of what it shows.

    >>> player_id("<svg/>", "{}") == player_id("<svg/>", "{}"), player_id("<svg/>", "{}").startswith("gt-")
    (True, True)
    """
    return "gt-" + hashlib.sha256((svg + "\0" + data_json).encode("utf-8")).hexdigest()[:16]


def player_fragment(
    svg: str,
    base: Mapping[str, Mapping[str, str]],
    deltas: Sequence[Mapping[str, Mapping[str, str]]],
    captions: Sequence[str],
    work: Sequence[Sequence[str]],
    steps: Sequence[str],
    *,
    interval_ms: int = 1200,
    standalone: bool = False,
    label: str = "backprop, step by step",
    start: int = 0,
    choices: Choices | None = None,
    focus: Sequence[str | None] | None = None,
) -> str:
    """The player as an HTML fragment (for Jupyter, or the body of ``player_document``).

    ``svg`` is drawn in the state of frame 0 (``base``); ``deltas[i]`` turns frame i into i + 1.
    Per frame: ``captions`` (one short line), ``work`` (its arithmetic, one line per input,
    shown under the caption) and ``steps`` (the counter: ``step 3 of 8``). ``choices``: a second
    axis, chosen by clicking (see ``Choices``); it must have a row per frame. ``focus``: per frame, the id of the
    SVG element the frame is about (or None), scrolled into view when a step leaves it out of sight.
    """
    if len(deltas) != len(captions) - 1:
        raise ValueError(f"player: {len(captions)} frames need {len(captions) - 1} deltas, got {len(deltas)}")
    # captions and work name values by their labels, which may hold any text
    captions = [visible_text(caption) for caption in captions]
    work = [[visible_text(line) for line in lines] for lines in work]
    label = visible_text(label)
    if not 0 <= start < len(captions):
        raise ValueError(f"player: start frame {start} is out of range: {len(captions)} frames")
    if not len(work) == len(steps) == len(captions):
        raise ValueError(f"player: {len(captions)} captions, {len(work)} work lists and {len(steps)} step labels")
    content: dict[str, object] = {"base": base, "deltas": list(deltas), "captions": list(captions),
                                  "work": [list(lines) for lines in work], "steps": list(steps),
                                  "interval": interval_ms, "start": start}
    if focus is not None:
        if len(focus) != len(captions):
            raise ValueError(f"player: {len(captions)} frames need as many focus ids, got {len(focus)}")
        content["focus"] = list(focus)
    if choices is not None:
        if len(choices.rows) != len(captions):
            raise ValueError(f"player: {len(captions)} frames need as many rows of choices, got {len(choices.rows)}")
        content["choices"] = choices.encoded()
    data = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # the data sits in a <script> element: no "<", ">" or "&" may end it early or start a comment there
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    identity = player_id(svg, data)
    script = _SCRIPT.replace("PLAYER_ID", identity).replace("STANDALONE", "true" if standalone else "false")
    last = len(captions) - 1
    return (
        f'<div class="gt-player" data-gt-player="{identity}" tabindex="0" role="group" '
        f'aria-label="{html.escape(label)}">\n'
        f"<style>{_CSS}</style>\n"
        # the caption, the whole arithmetic (in columns when long) and the controls stay in view
        # while a tall diagram scrolls under them
        '<div class="gt-head">\n'
        f'<div class="gt-caption" aria-live="polite">{html.escape(captions[start])}</div>\n'
        f'<div class="gt-work">{html.escape(chr(10).join(work[start]))}</div>\n'
        '<div class="gt-controls">'
        '<button type="button" class="gt-first" title="first step (Home)">|\u25c0</button>'
        '<button type="button" class="gt-prev" title="previous step (\u2190)">\u25c0 previous</button>'
        '<button type="button" class="gt-play" title="play or pause (space)">\u25b6 play</button>'
        '<button type="button" class="gt-next" title="next step (\u2192)">next \u25b6</button>'
        '<button type="button" class="gt-last" title="last step (End)">\u25b6|</button>'
        f'<input type="range" class="gt-slider" min="0" max="{last}" value="{start}" step="1" aria-label="step">'
        f'<span class="gt-counter">{html.escape(steps[start])}</span></div>\n'
        '</div>\n'
        f'<div class="gt-stage">{readable(svg)}</div>\n'
        '<div class="gt-keys">keys: \u2190 \u2192 step \u00b7 space play/pause \u00b7 Home / End</div>\n'
        f'<script type="application/json" class="gt-data">{data}</script>\n'
        f"<script>{script}</script>\n"
        "</div>"
    )


def player_document(fragment: str, title: str) -> str:
    """A standalone HTML page around a player fragment (built with ``standalone=True``)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body { margin: 16px; background: white; }</style>\n"
        f"</head>\n<body>\n{fragment}\n</body>\n</html>\n"
    )
