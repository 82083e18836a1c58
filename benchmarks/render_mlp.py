"""Renderer benchmark: draw and render the graph of one forward pass of an MLP(2, [16, 16, 1]) on one sample.

The graph is built from autograd ops the way micrograd's neurons are (``b + Σ w·x`` as a chain
of ``*`` and ``+``, then ReLU; the output neuron linear), each neuron inside
``autograd.scope("layers.i.neurons.j")``: about 1,000 values. Timed, best of ``--repeat``:

- ``describe``: walking the graph into the graph model;
- ``draw``: the model to DOT text (the full graph, ``max_nodes=None``);
- ``dot``: Graphviz laying out and writing SVG;
- end to end: build + backward + draw + render, the figure with the 2 s target;
- the same end to end with the default ``max_nodes``, where neurons are collapsed automatically;
- the peer, measured in the same run: micrograd's own ``MLP(2, [16, 16, 1])`` drawn the way its
  ``draw_dot`` does (a record per value and a node per op through the graphviz package; micrograd
  ships that function only in a notebook, so it is written out here) and rendered by the same ``dot``.

Run: ``python benchmarks/render_mlp.py`` (needs Graphviz's ``dot``; the peer needs the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import itertools
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphviz

from autograd import Value, scope, topological_order
from viz import ModelOptions, describe, draw, render, run_dot

try:
    from micrograd import nn as micrograd_nn
except ImportError:  # the bench extra is not installed
    micrograd_nn = None

TARGET_SECONDS = 2.0


def mlp_forward(sizes: list[int], seed: int = 0) -> Value:
    """One forward pass of an MLP with layer widths ``sizes`` (inputs first) on one random sample."""
    rng = random.Random(seed)
    activations = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(sizes[0])]
    last = len(sizes) - 2
    for layer, (fan_in, width) in enumerate(itertools.pairwise(sizes)):
        outputs = []
        for neuron in range(width):
            weights = [Value(rng.uniform(-1, 1), label=f"w{layer}.{neuron}.{k}") for k in range(fan_in)]
            bias = Value(0.0, label=f"b{layer}.{neuron}")
            with scope(f"layers.{layer}.neurons.{neuron}"):
                total = bias
                for w, x in zip(weights, activations, strict=True):
                    total = total + w * x
                outputs.append(total if layer == last else total.relu())
        activations = outputs
    return activations[0]


def micrograd_style_diagram(root: Any) -> graphviz.Digraph:
    """micrograd's ``draw_dot`` approach: one ``{label | data | grad}`` record per value, one node per op."""
    values, links, stack = set(), set(), [root]
    while stack:
        value = stack.pop()
        if value in values:
            continue
        values.add(value)
        for child in value._prev:
            links.add((child, value))
            stack.append(child)
    diagram = graphviz.Digraph(graph_attr={"rankdir": "LR"})
    for value in values:
        name = str(id(value))
        diagram.node(name, label=f"{{ | data {value.data:.4f} | grad {value.grad:.4f} }}", shape="record")
        if value._op:
            diagram.node(name + value._op, label=value._op)
            diagram.edge(name + value._op, name)
    for child, value in links:
        diagram.edge(str(id(child)), str(id(value)) + value._op)
    return diagram


def micrograd_end_to_end(sizes: list[int]) -> None:
    """micrograd's MLP on one sample: build, backward, draw as draw_dot does, render SVG with the same dot."""
    random.seed(0)
    model = micrograd_nn.MLP(sizes[0], sizes[1:])
    out = model([random.uniform(-1, 1) for _ in range(sizes[0])])
    out.backward()
    run_dot(micrograd_style_diagram(out).source, "svg")


def best_time(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``action`` (seconds) and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def end_to_end(sizes: list[int], path: Path, **draw_options: Any) -> None:
    """Build, backward, draw and render to SVG: what a user waits for."""
    root = mlp_forward(sizes)
    root.backward()
    render(draw(root, **draw_options), path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [2, 16, 16, 1]
    root = mlp_forward(sizes)
    root.backward()
    values = len(topological_order(root))
    t_describe, model = best_time(lambda: describe(root, ModelOptions.build(max_nodes=None)), args.repeat)
    t_draw, diagram = best_time(lambda: draw(root, max_nodes=None), args.repeat)
    print(f"MLP(2, [16, 16, 1]) forward graph: {values:,} values; drawn: {model.size:,} values and gates, "
          f"{diagram.size_text()} in DOT")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        t_dot, _ = best_time(lambda: render(diagram, out / "mlp.svg"), args.repeat)
        t_total, _ = best_time(lambda: end_to_end(sizes, out / "full.svg", max_nodes=None), args.repeat)
        t_collapsed, _ = best_time(lambda: end_to_end(sizes, out / "collapsed.svg"), args.repeat)
        collapsed = draw(root)
    print(f"  describe (graph model)        {t_describe * 1000:8.1f} ms")
    print(f"  draw (model + DOT text)       {t_draw * 1000:8.1f} ms")
    print(f"  dot layout + SVG              {t_dot * 1000:8.1f} ms")
    verdict = "within" if t_total < TARGET_SECONDS else "OVER"
    print(f"  end to end, full graph        {t_total * 1000:8.1f} ms  ({verdict} the {TARGET_SECONDS:g} s target)")
    print(f"  end to end, default max_nodes {t_collapsed * 1000:8.1f} ms  "
          f"(neurons collapsed automatically: {collapsed.size_text()})")
    if micrograd_nn is None:
        print("  micrograd: not installed (pip install -e '.[bench]'), no peer figure")
        return
    t_peer, _ = best_time(lambda: micrograd_end_to_end(sizes), args.repeat)
    print(f"  micrograd, draw_dot style     {t_peer * 1000:8.1f} ms  (end to end, same graph shape and dot); "
          f"gradtrace full graph / micrograd = {t_total / t_peer:.2f}x")


if __name__ == "__main__":
    main()
