"""Instructions per demo step, gradtrace against micrograd, counted by callgrind: a figure that does not move with load.

Wall-clock ratios (``mlp_vs_micrograd.py``) depend on the machine as well as on the code: the same
commit measured 53x on one machine and 18x on another. micrograd's step allocates far more objects,
whose reference cycles only the cyclic garbage collector frees, and runs at a fraction of the
instructions per second of gradtrace's, so its time moves with the machine's memory more than ours.
Callgrind counts the instructions each step executes, whatever else the machine is doing, so this
figure compares one version of gradtrace with another across sessions and machines.

Each peer runs in a child process under ``valgrind --tool=callgrind``, once with one warm-up step and
once with ``--steps`` more; the difference divided by ``--steps`` is one step, with the imports and
set-up taken out. The children are killed when they overrun ``--timeout``.

Run: ``python benchmarks/instructions.py`` (needs valgrind; micrograd comes with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
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
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def run_steps(peer: str, steps: int) -> None:
    """The child's work: build the trainer, one warm-up step, then ``steps`` steps."""
    sys.path.insert(0, str(Path(__file__).parent))
    from mlp_vs_micrograd import MicrogradTrainer, OurTrainer, moons

    data = moons(100)
    trainer = MicrogradTrainer() if peer == "micrograd" else None
    if trainer is None:
        trainer = OurTrainer(MicrogradTrainer().weights(), **({"scoped": False} if peer == "unscoped" else {}))
    for _ in range(1 + steps):
        trainer.step(*data)


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
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    found = COLLECTED.search(result.stderr)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind run of {peer} failed (exit {result.returncode}): {result.stderr[-500:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", type=int, default=3, help="counted steps of each peer")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds for one callgrind run")
    parser.add_argument("--child", choices=sorted(set(PEERS.values())), help=argparse.SUPPRESS)
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
    print(f"instructions per demo step (callgrind; MLP(2, [16, 16, 1]), 100 moons points; {args.steps} steps counted)")
    per_step = {}
    for label, peer in PEERS.items():
        one = instructions(peer, 0, args.timeout)
        more = instructions(peer, args.steps, args.timeout)
        per_step[label] = (more - one) / args.steps
    theirs = per_step["micrograd"]
    for label, count in per_step.items():
        ratio = "" if label == "micrograd" else f"   micrograd executes {theirs / count:5.1f}x as many"
        print(f"  {label:<36} {count / 1e6:8.1f} M{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
