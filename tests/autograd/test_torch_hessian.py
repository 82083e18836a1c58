"""Optional cross-check of Hessians against ``torch.autograd.functional.hessian`` in float64; skipped without torch."""

from __future__ import annotations

import pytest

from autograd import Value, dot, hessian

torch = pytest.importorskip("torch")

FUNCTIONS = {
    "sigmoid circuit": (
        lambda w0, x0, w1, x1, w2: (w0 * x0 + w1 * x1 + w2).sigmoid(),
        lambda w0, x0, w1, x1, w2: torch.sigmoid(w0 * x0 + w1 * x1 + w2),
    ),
    "neuron": (
        lambda w0, x0, w1, x1, w2: dot([w0, w1], [x0, x1], bias=w2).tanh() ** 2,
        lambda w0, x0, w1, x1, w2: torch.tanh(w0 * x0 + w1 * x1 + w2) ** 2,
    ),
    "gelu, silu, softplus": (
        lambda a, b, c, d, e: (a * b).gelu() + (c - d).silu() * e.softplus(),
        lambda a, b, c, d, e: torch.nn.functional.gelu(a * b)
        + torch.nn.functional.silu(c - d) * torch.nn.functional.softplus(e),
    ),
    "powers and logs": (
        lambda a, b, c, d, e: (1.0 + a * a) ** b.tanh() + (2.0 + c.sin()).log() / (1.5 + d.cos()) + e.exp().sqrt(),
        lambda a, b, c, d, e: (1.0 + a * a) ** torch.tanh(b)
        + torch.log(2.0 + torch.sin(c)) / (1.5 + torch.cos(d))
        + torch.sqrt(torch.exp(e)),
    ),
}
POINT = [0.7, -1.3, 0.4, 2.1, -0.6]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hessian_matches_torch(name: str) -> None:
    ours, theirs = FUNCTIONS[name]
    leaves = [Value(x) for x in POINT]
    expected = torch.autograd.functional.hessian(
        lambda *xs: theirs(*xs), tuple(torch.tensor(x, dtype=torch.float64) for x in POINT)
    )
    got = hessian(ours(*leaves), leaves)
    for i in range(len(POINT)):
        for j in range(len(POINT)):
            assert got[i, j] == pytest.approx(expected[i][j].item(), rel=1e-10, abs=1e-12), (name, i, j)


def test_an_unused_input_gets_zero_rows_as_in_torch() -> None:
    leaves = [Value(x) for x in POINT[:3]]
    got = hessian(leaves[0] * leaves[0] * leaves[1], leaves)
    expected = torch.autograd.functional.hessian(
        lambda a, b, c: a * a * b, tuple(torch.tensor(x, dtype=torch.float64) for x in POINT[:3])
    )
    assert got.tolist() == [[expected[i][j].item() for j in range(3)] for i in range(3)]

