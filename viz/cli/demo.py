"""The README's main job (``make demo`` / ``gradtrace demo``): the cs231n sigmoid circuit, worked and drawn."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from autograd.examples import sigmoid_circuit
from nn.recipes import train_moons
from viz.draw import draw
from viz.network.draw import draw_network
from viz.player.player import backprop_steps
from viz.render import render

DEFAULT_OUT_DIR = "out"


def circuit_table() -> str:
    """The cs231n sigmoid circuit's wires with their forward values and gradients, as a text table."""
    wires = sigmoid_circuit(gate_by_gate=True)
    wires["f"].backward()
    lines = [f"{'wire':>8}  {'value':>10}  {'gradient':>10}"]
    for name, wire in wires.items():
        lines.append(f"{name:>8}  {wire.data:>10.4f}  {wire.grad:>10.4f}")
    return "\n".join(lines)


def write_sigmoid_diagrams(out_dir: str | os.PathLike[str]) -> list[tuple[str, Path]]:
    """Draw the sigmoid circuit after backward as SVG: graph style, circuit style, circuit with the σ gate collapsed.

    Returns (description, path) for each file written.
    """
    wires = sigmoid_circuit(gate_by_gate=True)
    wires["f"].backward()
    root, weights = wires["f"], [wires["w0"], wires["w1"], wires["w2"]]
    folder = Path(out_dir)
    drawings = [
        ("graph style", "sigmoid-graph.svg", draw(root, style="graph", parameters=weights)),
        ("circuit style (cs231n)", "sigmoid-circuit.svg", draw(root, style="circuit", parameters=weights)),
        ("circuit style, sigmoid gate collapsed to σ", "sigmoid-circuit-collapsed.svg",
         draw(root, style="circuit", parameters=weights, collapse=["sigmoid gate"])),
    ]
    return [(what, render(diagram, folder / name)) for what, name, diagram in drawings]


def write_sigmoid_player(out_dir: str | os.PathLike[str]) -> Path:
    """Write the step-through player of the sigmoid circuit's backward pass as a standalone HTML page."""
    wires = sigmoid_circuit(gate_by_gate=True)
    path = Path(out_dir) / "sigmoid-steps.html"
    backprop_steps(wires["f"], parameters=[wires["w0"], wires["w1"], wires["w2"]]).to_html(path)
    return path


def run_demo(echo: Callable[[str], None] = print, out_dir: str | os.PathLike[str] = DEFAULT_OUT_DIR) -> None:
    """Work and draw the cs231n sigmoid circuit f = 1/(1 + exp(−(w0·x0 + w1·x1 + w2))), then train the moons MLP."""
    echo("cs231n sigmoid circuit: f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))")
    echo(circuit_table())
    for what, path in write_sigmoid_diagrams(out_dir):
        echo(f"wrote {path}  ({what})")
    echo(f"wrote {write_sigmoid_player(out_dir)}  (backprop step by step: open it in a browser)")
    echo("")
    echo("training MLP(2, [16, 16, 1]) on two moons (max-margin loss, SGD with momentum)")
    run = train_moons(epochs=15, on_epoch=lambda history: echo(history.describe_epoch()))
    validation, test = run.history.val_accuracy[-1], run.test_accuracy
    echo(f"final validation accuracy: {100 * validation:.1f}%  (test: {100 * test:.1f}%)")
    model_path = Path(out_dir) / "moons-mlp.json"
    run.model.save(model_path)
    echo(f"wrote {model_path}  (the trained model, nn's JSON format)")
    network_path = render(draw_network(run.model), Path(out_dir) / "moons-network.svg")
    echo(f"wrote {network_path}  (the trained network: edge colour = weight sign, width = size)")
