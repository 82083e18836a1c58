"""What the training theatre costs: ``fit(..., watch=True)`` and ``record=True`` beside ``quiet=True``; the replay.

The run is the README's: notebook 5's moons (200 points, 60/20/20 split, standardised), micrograd's
``MLP(2, [16, 16, 1])``, hinge loss, SGD with momentum, 30 epochs in batches of 20 (180 updates),
and the same for 150 epochs. Watching has a fixed cost that a run of a fraction of a second feels,
and a running cost that the redraw clock holds. A run too short to show a frame before it ends
(``viz.training.live.LAYOUT_AFTER``, ``LAYOUT_WORTH``: both runs here, 0.05–0.3 s) pays one fork at
its end, whose child reads the final state, lays the panels out and draws the final frame (about
3 ms of the training thread's time: README's figures; the copy-on-write faults after that fork
fall on whatever runs next: here the recorded run, about 400 faults, 2 ms); a longer one forks at 0.1 s and reads
each moment it shows.
Watching is timed as in a notebook: the live view is switched on (``viz.training.live.in_notebook``
answers yes) and each drawing's HTML is built in full and handed to a sink instead of Jupyter. The
runs alternate (quiet, watched, recorded) to share the machine's noise; the figures are medians and
minimums, of the wall-clock time until ``fit`` returns (what a notebook user waits for: the cell is
done then, and the next can run) and of the training thread's CPU time (``time.thread_time``: what a
busy machine's other processes blur less; the layout's process and ``dot``'s are not in it). When
training ends before the layout is in, ``fit`` does not wait for it: the final frame is drawn by a
thread when it arrives, about 0.1 s after ``fit`` returns here (the layout's process runs nicer than
training, ``viz.training.live.LAYOUT_NICENESS``); "final frame" is the wall-clock time
from the start of ``fit`` until it was shown (the next run starts only after it, untimed, so runs never
overlap). The live view's own time in the training thread is measured too (wall-clock, waits included,
and CPU).
The issue's target: watching costs at most ~20% more than ``quiet=True`` (``nn.theatre.WATCH_BUDGET``
keeps the drawing near 10% of the training time). Then the replay of the recorded run: the time to
build it and the size of its offline page (target: under 5 MB).

Run: ``python benchmarks/training_theatre.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import viz
import viz.training.live
from nn import MLP, SGD, Dataset, History, Standardiser, binary_hinge, fit, make_moons, train_val_test_split

EPOCHS, BATCH = (30, 150), 20


def moons() -> tuple[Dataset, Dataset]:
    data = make_moons(200, noise=0.1, seed=0)
    splits = train_val_test_split(Dataset(data.X, 2 * data.y - 1), seed=0)
    standardiser = Standardiser().fit(splits.train.X)
    return standardiser.transform_dataset(splits.train), standardiser.transform_dataset(splits.val)


def timed(train: Dataset, val: Dataset, mode: str, epochs: int,
          drawings: list[int], finals: list[float]) -> tuple[float, float, History]:
    """(wall-clock seconds until fit returns, the training thread's CPU seconds, the history) of one run; a watched
    run adds its number of drawings to ``drawings`` and when its final frame was shown to ``finals``."""
    model = MLP(2, [16, 16, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
    keywords = {"quiet": {"quiet": True}, "watch": {"watch": True}, "record": {"quiet": True, "record": True}}[mode]
    start, cpu = time.perf_counter(), time.thread_time()
    history = fit(model, binary_hinge, optimizer, train, epochs, BATCH, validation=val, **keywords)  # type: ignore[arg-type]
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu
    if mode == "watch":
        [view] = _VIEWS
        assert view.wait(timeout=120), "the final frame never came"
        drawings.append(len(_SINK))
        finals.append(_SINK[-1][0] - start)
        assert "done: after" in _SINK[-1][1]
        _SINK.clear()
        _VIEWS.clear()
    return elapsed, cpu, history


_SINK: list[tuple[float, str]] = []  # (when, page) of each drawing
_VIEWS: list[viz.training.live.LiveView] = []


def _sink(page: str) -> None:
    _SINK.append((time.perf_counter(), page))
_SPENT = {"wall": 0.0, "cpu": 0.0}  # seconds the live view spent in the training thread


def _timing(method: Callable[..., None]) -> Callable[..., None]:
    def timed_method(self: object, *arguments: object) -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            method(self, *arguments)
        finally:
            _SPENT["wall"] += time.perf_counter() - start
            _SPENT["cpu"] += time.thread_time() - cpu

    return timed_method


def measure_the_live_view() -> None:
    """Switch the live view on outside a notebook, its drawings going to a sink, and time where it spends."""
    live = viz.training.live
    with contextlib.suppress(ImportError):  # a notebook has IPython loaded: no watched run pays for its import
        import IPython  # noqa: F401
    live.in_notebook = lambda: True  # type: ignore[assignment]
    live._notebook_display = lambda: _sink  # type: ignore[assignment]
    for name in ("start", "maybe_redraw", "finish"):
        setattr(live.LiveView, name, _timing(getattr(live.LiveView, name)))
    starting = live.LiveView.start

    def start(self: viz.training.live.LiveView, *arguments: object) -> None:
        _VIEWS.append(self)
        starting(self, *arguments)

    live.LiveView.start = start  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    train, val = moons()
    measure_the_live_view()
    recorded: History | None = None
    for epochs in EPOCHS:
        times: dict[str, list[float]] = {"quiet": [], "watch": [], "record": []}
        cpus: dict[str, list[float]] = {"quiet": [], "watch": [], "record": []}
        drawings: list[int] = []
        finals: list[float] = []
        spent = {"wall": 0.0, "cpu": 0.0}
        for _ in range(repeats):
            for mode in times:
                _SPENT.update(wall=0.0, cpu=0.0)
                elapsed, cpu, history = timed(train, val, mode, epochs, drawings, finals)
                times[mode].append(elapsed)
                cpus[mode].append(cpu)
                for where in spent:
                    spent[where] += _SPENT[where] / repeats
                if mode == "record" and epochs == EPOCHS[0]:
                    recorded = history
        quiet = statistics.median(cpus["quiet"])
        print(f"fit, MLP(2, [16, 16, 1]) on the moons, {epochs} epochs of batches of {BATCH} "
              f"({epochs * 6} updates), {repeats} repeats, median seconds")
        for mode, label in (("quiet", "quiet=True"), ("watch", "watch=True (live view)"), ("record", "record=True")):
            for kind, figures in (("wall", times), ("cpu", cpus)):
                median, least = statistics.median(figures[mode]), min(figures[mode])
                base = statistics.median(figures["quiet"]), min(figures["quiet"])
                print(f"  {label if kind == 'wall' else '':<24}{kind:>4}  median {1e3 * median:6.0f} ms "
                      f"{100 * (median / base[0] - 1):+6.1f}%   min {1e3 * least:6.0f} ms "
                      f"{100 * (least / base[1] - 1):+6.1f}% vs quiet")
        final, base = statistics.median(finals), statistics.median(times["quiet"])
        print(f"  {'':<24}final frame shown: median {1e3 * final:6.0f} ms {100 * (final / base - 1):+6.1f}%   "
              f"min {1e3 * min(finals):6.0f} ms {100 * (min(finals) / min(times['quiet']) - 1):+6.1f}% vs quiet")
        print(f"  live view: {statistics.median(drawings):.0f} drawings per run; in the training thread it spent "
              f"{1e3 * spent['wall']:.0f} ms (waits included) and {1e3 * spent['cpu']:.0f} ms of CPU per run "
              f"({100 * spent['cpu'] / quiet:.1f}% of quiet's CPU time)")
    assert recorded is not None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        page = viz.training_replay(recorded).to_html(Path(folder) / "moons-training.html")
        size = page.stat().st_size
    print(f"training_replay: {len(recorded.recording.snapshots)} snapshots x {len(train.X)} examples built and "  # type: ignore[union-attr]
          f"written in {time.perf_counter() - start:.1f} s; page {size / 1e6:.2f} MB (target < 5 MB)")


if __name__ == "__main__":
    main()
