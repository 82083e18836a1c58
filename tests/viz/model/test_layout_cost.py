"""The layout-cost guard: one value used all along a long chain stops before ``dot`` runs, with a remedy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from autograd import Value
from viz import LayoutTooCostlyError, ModelOptions, backprop_steps, describe, draw
from viz.cli import main
from viz.model.layout_cost import MAX_LONG_EDGE_COST, long_edge_cost


def power_chain(uses: int) -> Value:
    """``x*y*y*…*y`` with ``uses`` uses of y, after backward."""
    x, y = Value(1.0, label="x"), Value(1.01, label="y")
    out = x
    for _ in range(uses):
        out = out * y
    out.backward()
    return out


@pytest.mark.parametrize("uses", [1, 2, 3, 10, 45])
def test_the_estimate_counts_the_ranks_each_wire_of_y_skips(uses: int) -> None:
    # use k of y is the gate at rank 2k-1 and y sits at rank 0 (just before its first use): 2k-2 skipped ranks
    total, by_value = long_edge_cost(describe(power_chain(uses), ModelOptions.build(max_nodes=None)))
    assert by_value["n1"] == sum(2 * k - 2 for k in range(1, uses + 1)) == total


def test_up_to_45_uses_draw_and_70_stop_at_once_with_the_remedy() -> None:
    assert long_edge_cost(describe(power_chain(45)))[0] <= MAX_LONG_EDGE_COST
    for build in (lambda: draw(power_chain(46)), lambda: backprop_steps(power_chain(70))):
        with pytest.raises(LayoutTooCostlyError) as caught:
            build()
        message = str(caught.value)
        assert "value 'y' (n1) feeds" in message and "y**n" in message and "max_nodes=None" in message
    assert len(describe(power_chain(70), ModelOptions.build(max_nodes=None)).gates) == 70  # asked for everything: drawn


def test_many_short_detours_are_not_flagged() -> None:
    # an MLP(2, [16, 16, 1]) written out micrograd's way, b + Σ w·x per neuron (~1,000 values):
    # thousands of virtual nodes in all, a few dozen per value, and dot lays it out in under a second
    activations = [Value(0.5), Value(-0.25)]
    for width in (16, 16, 1):
        outputs = []
        for j in range(width):
            total = Value(0.1 * j)
            for i, x in enumerate(activations):
                total = total + Value(0.01 * (i - j)) * x
            outputs.append(total.relu())
        activations = outputs
    total_cost, by_value = long_edge_cost(describe(activations[0], ModelOptions.build(max_nodes=None)))
    assert total_cost > MAX_LONG_EDGE_COST > 10 * max(by_value.values())
    describe(activations[0], ModelOptions.build(max_nodes=5000))  # no error


def test_the_command_line_stops_before_dot_with_status_2(
    tmp_path: Path, fake_dot: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ran = tmp_path / "dot-ran"
    fake_dot(f": > {ran}")
    output = tmp_path / "power.svg"
    assert main(["render", "x" + "*y" * 70, "--set", "x=1", "y=1.01", "-o", str(output)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--max-nodes 0" in error
    assert not ran.exists() and not output.exists()
