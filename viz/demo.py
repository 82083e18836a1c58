"""The README's main job (``make demo`` / ``gradtrace demo``): the cs231n sigmoid circuit, worked."""

from __future__ import annotations

from collections.abc import Callable

from autograd.examples import sigmoid_circuit


def circuit_table() -> str:
    """The cs231n sigmoid circuit's wires with their forward values and gradients, as a text table."""
    wires = sigmoid_circuit(gate_by_gate=True)
    wires["f"].backward()
    lines = [f"{'wire':>8}  {'value':>10}  {'gradient':>10}"]
    for name, wire in wires.items():
        lines.append(f"{name:>8}  {wire.data:>10.4f}  {wire.grad:>10.4f}")
    return "\n".join(lines)


def run_demo(echo: Callable[[str], None] = print) -> None:
    """Print the sigmoid circuit f = 1/(1 + exp(−(w0·x0 + w1·x1 + w2))) at the cs231n inputs."""
    echo("cs231n sigmoid circuit: f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))")
    echo(circuit_table())
