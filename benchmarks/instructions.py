"""Instructions per demo step and per wide graph, gradtrace against micrograd, counted by callgrind; and per
matrix-path demo step, gradtrace's ``model(Tensor(X))`` against numpy by hand.

These figures do not move with the machine or its load (the wall-clock ratios do).

Wall-clock ratios (``mlp_vs_micrograd.py``) depend on the machine as well as on the code: the same
commit measured 53x on one machine and 18x on another. micrograd's step allocates far more objects,
whose reference cycles only the cyclic garbage collector frees, and runs at a fraction of the
instructions per second of gradtrace's, so its time moves with the machine's memory more than ours.
Callgrind counts the instructions each step executes, whatever else the machine is doing, so this
figure compares one version of gradtrace with another across sessions and machines.

Each peer runs in a child process under ``valgrind --tool=callgrind``, once with one warm-up step and
once with ``--steps`` more; the difference divided by ``--steps`` is one step, with the imports and
set-up taken out. The wide graph (``engine_vs_micrograd.py``'s, 200 chains x 200 steps here, build +
backward) is counted the same way: one warm-up run, then ``--steps`` more. The children are killed
when they overrun ``--timeout``. The matrix-path step (``matrix_vs_torch.py``'s, as a user writes it) and
the same step in numpy by hand are counted over ``--matrix-steps`` steps (``--matrix-only``: only those).

Run: ``python benchmarks/instructions.py`` (needs valgrind; micrograd comes with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PEERS = {
    "gradtrace (default: fused, scoped)": "scoped",
    "gradtrace scoped=False": "unscoped",
    "micrograd": "micrograd",
}
WIDE_PEERS = {"gradtrace": "wide", "micrograd": "wide-micrograd"}
MATRIX_PEERS = {"gradtrace model(Tensor(X))": "matrix", "numpy by hand": "numpy"}
WIDE_CHAINS, WIDE_STEPS = 200, 200
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def run_steps(peer: str, steps: int) -> None:
    """The child's work: build the trainer, one warm-up step, then ``steps`` steps."""
    sys.path.insert(0, str(Path(__file__).parent))
    if peer.startswith("wide"):
        wide_runs(peer, steps)
        return
    if peer in MATRIX_PEERS.values():
        from matrix_vs_torch import gradtrace_step, numpy_step

        step = gradtrace_step(True) if peer == "matrix" else numpy_step()
        for _ in range(1 + steps):
            step()
        return
    from mlp_vs_micrograd import MicrogradTrainer, OurTrainer, moons

    data = moons(100)
    trainer = MicrogradTrainer() if peer == "micrograd" else None
    if trainer is None:
        trainer = OurTrainer(MicrogradTrainer().weights(), **({"scoped": False} if peer == "unscoped" else {}))
    for _ in range(1 + steps):
        trainer.step(*data)


def wide_runs(peer: str, runs: int) -> None:
    """The child's work on the wide graph: one warm-up build + backward, then ``runs`` more."""
    from engine_vs_micrograd import MicrogradValue, build_wide

    from autograd import Value

    make = MicrogradValue if peer == "wide-micrograd" else Value
    for _ in range(1 + runs):
        build_wide(make, WIDE_CHAINS, WIDE_STEPS).backward()


def instructions(peer: str, steps: int, timeout: float) -> int:
    """Instructions the child executes in all (imports, set-up, 1 + ``steps`` steps)."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        peer,
        "--steps",
        str(steps),
    ]
    # one hash seed for every child (set and dict layouts then match between the two runs of a peer), and one BLAS
    # thread: an idle BLAS thread spins, and callgrind counts its spinning, which moves with the machine's timing
    environment = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, env=environment)
    found = COLLECTED.search(result.stderr)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run of {peer} failed (exit {result.returncode}): {result.stderr[-500:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    # 3 counted steps spread 204-216 M over runs of one commit (a collection of the cyclic GC lands in some runs'
    # counted steps, not others); more counted steps average those collections out
    parser.add_argument("--steps", type=int, default=8, help="counted steps of each peer")
    parser.add_argument("--matrix-only", action="store_true", help="count only the matrix-path step")
    parser.add_argument("--matrix-steps", type=int, default=200, help="counted matrix-path steps of each peer")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds for one callgrind run")
    children = {*PEERS.values(), *WIDE_PEERS.values(), *MATRIX_PEERS.values()}
    parser.add_argument("--child", choices=sorted(children), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_steps(args.child, args.steps)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind not installed (apt-get install valgrind): nothing counted")
        return 1
    try:
        import micrograd  # noqa: F401 - only checking that the peer is there
    except ImportError:
        print("micrograd not installed (pip install -e '.[bench]'): nothing to compare against")
        return 1
    if not args.matrix_only:
        counted = f"{args.steps} steps counted"
        print(f"instructions per demo step (callgrind; MLP(2, [16, 16, 1]), 100 moons points; {counted})")
        _report(PEERS, args.steps, args.timeout)
        nodes = WIDE_CHAINS * WIDE_STEPS * 2 + WIDE_CHAINS - 1
        shape = f"{WIDE_CHAINS} chains x {WIDE_STEPS} steps, {nodes:,} op nodes"
        print(f"instructions per wide graph (build + backward; {shape})")
        _report(WIDE_PEERS, args.steps, args.timeout)
    counted = f"{args.matrix_steps} steps counted"
    print(f"instructions per matrix-path demo step (the same step on 100 x 2 arrays; {counted})")
    _report(MATRIX_PEERS, args.matrix_steps, args.timeout, baseline="numpy by hand", digits=3)
    return 0


def _report(peers: dict[str, str], steps: int, timeout: float, baseline: str = "micrograd", digits: int = 1) -> None:
    """Each peer's instructions per counted run, beside the baseline's (micrograd's; numpy by hand's for the
    matrix path, where the ratio is gradtrace's over numpy's: the issue's goal is at most 3x)."""
    per_run = {}
    for label, peer in peers.items():
        one = instructions(peer, 0, timeout)
        more = instructions(peer, steps, timeout)
        per_run[label] = (more - one) / steps
    theirs = per_run[baseline]
    for label, count in per_run.items():
        if label == baseline:
            ratio = ""
        elif baseline == "micrograd":
            ratio = f"   micrograd executes {theirs / count:5.1f}x as many"
        else:
            ratio = f"   {count / theirs:5.2f}x {baseline}'s"
        print(f"  {label:<36} {count / 1e6:8.{digits}f} M{ratio}")


if __name__ == "__main__":
    sys.exit(main())
