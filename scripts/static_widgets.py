"""Jupyter widgets drawn as static HTML, so ``make notebooks-html`` pages show them offline.

An executed notebook keeps every widget's last state in its metadata, but nbconvert's HTML draws the
widgets with a script loaded from a CDN (unpkg): offline, a ``tqdm.auto`` progress bar is blank.
``StaticWidgets``, an nbconvert preprocessor, replaces each widget view output by HTML built from
that saved state, the way JupyterLab showed it when the cell finished. In JupyterLab itself nothing
changes: the preprocessor only edits the copy that nbconvert exports.

The widgets drawn are those a progress bar is made of (tqdm's ``HBox`` of ``HTML``, ``FloatProgress``,
``HTML``) and their simple relatives; ``DRAWN`` lists them. A view of any other widget is left to the
CDN's renderer (online it still works) and logged; the saved state is then kept for it.

Run it from the command line with nbconvert (the Makefile's ``notebooks-html`` does this)::

    PYTHONPATH=scripts jupyter nbconvert --to html \\
        --HTMLExporter.preprocessors=static_widgets.StaticWidgets notebook.ipynb

>>> from nbformat.v4 import new_code_cell, new_notebook, new_output
>>> state = {"bar": {"model_name": "IntProgressModel", "state": {"value": 3, "min": 0, "max": 4}}}
>>> view = {"model_id": "bar", "version_major": 2, "version_minor": 0}
>>> cell = new_code_cell(outputs=[new_output("display_data", {VIEW: view, "text/plain": "0/4"})])
>>> notebook = new_notebook(cells=[cell], metadata={"widgets": {STATE: {"state": state}}})
>>> notebook, _ = StaticWidgets().preprocess(notebook, {})
>>> print(notebook.cells[0].outputs[0].data["text/html"])  # doctest: +NORMALIZE_WHITESPACE
<div class="gt-widget" role="progressbar" aria-valuemin="0" aria-valuemax="4" aria-valuenow="3"
style="display: inline-block; vertical-align: middle; margin: 4px 2px; background: #eeeeee; width: 300px;
height: 20px"><div style="background: #2196f3; width: 75%; height: 100%"></div></div>
>>> "widgets" in notebook.metadata  # every view is drawn: the page loads no widget script
False
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
REFERENCE = "IPY_MODEL_"  # how one widget's state names another (its children, layout, style)

# ipywidgets' own colours: the default bar is --jp-brand-color1, the others are its bar_style classes.
BAR_COLOURS = {"": "#2196f3", "info": "#00bcd4", "success": "#4caf50", "warning": "#ff9800", "danger": "#f44336"}
BAR_TRACK = "#eeeeee"
INLINE = "display: inline-block; vertical-align: middle; margin: 4px 2px"  # widgets sit on one line, as in Lab

Model = Mapping[str, Any]  # one widget's saved state: its traits by name


class UnsupportedWidgetError(Exception):
    """A widget this module cannot draw; its view is left to the online renderer."""


class Widgets:
    """The widget states saved in a notebook's metadata, drawn as HTML on demand."""

    def __init__(self, saved: Mapping[str, Any]) -> None:
        self.saved = saved  # model id -> {"model_name": ..., "state": {...}}

    def html(self, model_id: str) -> str:
        """The widget ``model_id`` as HTML, children included; "" for a widget closed before the save (JupyterLab
        removes a closed widget's view too). Raises ``UnsupportedWidgetError`` for kinds not in ``DRAWN``."""
        entry = self.saved.get(model_id)
        if entry is None:
            return ""
        draw = DRAWN.get(entry["model_name"])
        if draw is None:
            raise UnsupportedWidgetError(f"{entry['model_name']} (model {model_id})")
        return draw(self, entry["state"])

    def model(self, reference: object) -> Model:
        """The state an ``IPY_MODEL_<id>`` reference points to ({} when absent)."""
        if isinstance(reference, str) and reference.startswith(REFERENCE):
            entry = self.saved.get(reference[len(REFERENCE) :])
            if entry is not None:
                return dict(entry["state"])
        return {}

    def css(self, model: Model, *defaults: str) -> str:
        """Inline CSS: the widget kind's ``defaults``, then its Layout (whose traits are CSS properties
        with ``_`` for ``-``, e.g. ``flex_flow``), which wins as it does in Jupyter."""
        layout = self.model(model.get("layout"))
        chosen = [f"{name.replace('_', '-')}: {value}" for name, value in layout.items()
                  if not name.startswith("_") and value is not None]  # fmt: skip
        return html.escape("; ".join([*defaults, *chosen]))

    def described(self, model: Model, body: str) -> str:
        """``body`` after the widget's description label, when it has one."""
        description = str(model.get("description") or "")
        if not description:
            return body
        label = description if model.get("description_allow_html") else html.escape(description)
        return f'<span class="gt-widget-description" style="{INLINE}">{label}</span>{body}'


def draw_box(direction: str) -> Callable[[Widgets, Model], str]:
    """A Box, HBox or VBox: its children side by side (``row``) or stacked (``column``)."""

    def draw(widgets: Widgets, model: Model) -> str:
        children = "".join(widgets.html(str(child)[len(REFERENCE) :]) for child in model.get("children", []))
        style = widgets.css(model, "display: flex", f"flex-direction: {direction}", "align-items: center")
        return f'<div class="gt-widget" style="{style}">{children}</div>'

    return draw


def draw_html(widgets: Widgets, model: Model) -> str:
    """An HTML widget: its value is markup (tqdm's counts, rate and postfix), shown as it is."""
    body = f'<div class="gt-widget" style="{widgets.css(model, INLINE)}">{model.get("value", "")}</div>'
    return widgets.described(model, body)


def draw_label(widgets: Widgets, model: Model) -> str:
    """A Label: its value is plain text."""
    text = html.escape(str(model.get("value", "")))
    return widgets.described(model, f'<span class="gt-widget" style="{widgets.css(model, INLINE)}">{text}</span>')


def draw_progress(widgets: Widgets, model: Model) -> str:
    """A progress bar, filled to (value - min) / (max - min), in its bar_style's colour (or its style's
    bar_color); ARIA attributes carry the numbers. A bar with max == min is drawn full."""
    low, high, value = (float(model.get(name, default)) for name, default in (("min", 0), ("max", 100), ("value", 0)))
    fraction = 1.0 if high == low else min(max((value - low) / (high - low), 0.0), 1.0)
    colour = widgets.model(model.get("style")).get("bar_color") or BAR_COLOURS.get(model.get("bar_style") or "", "")
    filled = f"{100 * fraction:.4g}%"
    track: tuple[str, ...]
    if model.get("orientation") == "vertical":  # filled from the bottom up
        track = ("width: 20px", "height: 300px", "display: inline-flex", "flex-direction: column-reverse")
        fill = f"width: 100%; height: {filled}"
    else:
        track, fill = ("width: 300px", "height: 20px"), f"width: {filled}; height: 100%"
    numbers = f'aria-valuemin="{low:.15g}" aria-valuemax="{high:.15g}" aria-valuenow="{value:.15g}"'
    style = widgets.css(model, INLINE, f"background: {BAR_TRACK}", *track)
    bar = (f'<div class="gt-widget" role="progressbar" {numbers} style="{style}">'
           f'<div style="background: {html.escape(colour or BAR_COLOURS[""])}; {fill}"></div></div>')  # fmt: skip
    return widgets.described(model, bar)


# One row per widget kind ipywidgets saves (its model_name) that this module draws.
DRAWN: dict[str, Callable[[Widgets, Model], str]] = {
    "BoxModel": draw_box("row"),
    "HBoxModel": draw_box("row"),
    "VBoxModel": draw_box("column"),
    "HTMLModel": draw_html,
    "HTMLMathModel": draw_html,
    "LabelModel": draw_label,
    "FloatProgressModel": draw_progress,
    "IntProgressModel": draw_progress,
}


class StaticWidgets(Preprocessor):  # type: ignore[misc]
    """nbconvert preprocessor: each widget view output becomes static HTML of the widget's saved state.

    When every view is drawn the saved state is dropped from the exported copy, so the page loads no
    widget script from the CDN; otherwise the state stays for the views left to that script.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        saved = nb.metadata.get("widgets", {}).get(STATE)
        if saved is None:
            return nb, resources
        widgets = Widgets(saved.get("state", {}))
        left = 0
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                view = output.get("data", {}).get(VIEW)
                if view is None:
                    continue
                try:
                    output["data"] = {"text/html": widgets.html(view["model_id"])}  # stored as a NotebookNode
                except UnsupportedWidgetError as unsupported:
                    left += 1
                    self.log.warning("cell %d: widget %s is left to the online renderer", index, unsupported)
        if not left:
            del nb.metadata["widgets"]  # the template adds the CDN's widget script whenever this key exists
        return nb, resources

