"""Optional cross-check against PyTorch in float64; skipped when torch is not installed."""

from __future__ import annotations

import pytest

from tests.autograd.op_table import ROWS

torch = pytest.importorskip("torch")

TORCH_FORMS = {
    "exp": lambda t: t.exp(),
    "log": lambda t: t.log(),
    "sqrt": lambda t: t.sqrt(),
    "sin": lambda t: t.sin(),
    "cos": lambda t: t.cos(),
    "tanh": lambda t: t.tanh(),
    "sigmoid": lambda t: t.sigmoid(),
    "relu": lambda t: t.relu(),
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.1),
    "elu": lambda t: torch.nn.functional.elu(t, 1.5),
    "gelu": lambda t: torch.nn.functional.gelu(t),
    "silu": lambda t: torch.nn.functional.silu(t),
    "softplus": lambda t: torch.log1p(t.exp()),
    "abs": lambda t: t.abs(),
    "pow values": lambda a, b: a**b,
    "maximum": torch.maximum,
    "minimum": torch.minimum,
}
POINTS = [-3.7, -1.0, -0.25, 0.0, 0.4, 1.0, 2.5, 8.0]


@pytest.mark.parametrize("name", sorted(TORCH_FORMS))
def test_matches_torch(name: str) -> None:
    from autograd import Value

    row = next(r for r in ROWS if r.name == name)
    for x in POINTS:
        point = [x] + [0.5 * x + 0.3] * (len(row.domains) - 1)
        tensors = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]
        expected = TORCH_FORMS[name](*tensors)
        expected.backward()
        leaves = [Value(p) for p in point]
        out = row.engine(*leaves)
        out.backward()
        assert out.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12, nan_ok=True), (name, point)
        for leaf, tensor in zip(leaves, tensors, strict=True):
            assert leaf.grad == pytest.approx(tensor.grad.item(), rel=1e-12, abs=1e-12, nan_ok=True), (name, point)


def test_pow_edge_gradients_match_torch() -> None:
    from autograd import Value

    for base, exponent in [(0.0, 2.0), (0.0, 0.0), (-2.0, 3.0), (2.0, 0.0), (0.0, 0.5)]:
        a = torch.tensor(base, dtype=torch.float64, requires_grad=True)
        b = torch.tensor(exponent, dtype=torch.float64, requires_grad=True)
        (a**b).backward()
        va, vb = Value(base), Value(exponent)
        (va**vb).backward()
        assert va.grad == pytest.approx(a.grad.item(), nan_ok=True), (base, exponent)
        assert vb.grad == pytest.approx(b.grad.item(), nan_ok=True), (base, exponent)
