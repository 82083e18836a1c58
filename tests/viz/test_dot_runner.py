"""The one way to run ``dot``: checked timeouts, and no ``dot`` left running on any way out.

Slow ``dot`` runs are faked by a shell script on PATH that records its process group and
sleeps (with a child, so killing only the first process would not be enough).
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import graphviz
import pytest

from autograd import Value
from nn import MLP
from viz import DotTimeoutError, backprop_steps, dot_runner, draw, draw_network, render, run_dot
from viz.cli import main

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")

BAD_TIMEOUTS = [math.inf, 1e10, -1, 0, math.nan, "10", True]


def small() -> Value:
    x = Value(3.0, label="x")
    out = x * x
    out.backward()
    return out


def living_members(group: int) -> list[int]:
    """The processes of a process group that are still running (zombies waiting to be reaped don't count)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        state, _parent, process_group = stat.rsplit(")", 1)[1].split()[:3]
        if int(process_group) == group and state != "Z":
            members.append(int(entry.name))
    return members


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def slow_dot(fake_dot: Callable[[str], Path], tmp_path: Path) -> Iterator[Path]:
    """A ``dot`` that writes its process group to the returned file, then sleeps 30 s in two processes."""
    record = tmp_path / "dot-group"
    sleep, move = shutil.which("sleep"), shutil.which("mv")  # the fake's PATH holds only itself
    fake_dot(f"{sleep} 30 &\necho $$ > {record}.tmp && {move} {record}.tmp {record}\nexec {sleep} 30")
    yield record
    if record.exists():  # never leave the fake behind, even when the test fails
        group = int(record.read_text())
        if living_members(group):
            os.killpg(group, signal.SIGKILL)


def dot_group(record: Path) -> int:
    assert wait_for(record.exists), "the fake dot never started"
    group = int(record.read_text())
    assert wait_for(lambda: len(living_members(group)) == 2), "the fake dot and its child are not both running"
    return group


@pytest.mark.parametrize("timeout", BAD_TIMEOUTS, ids=repr)
def test_bad_timeouts_are_one_clear_error_everywhere(timeout: object, tmp_path: Path) -> None:
    calls: list[Callable[[], object]] = [
        lambda: render(small(), tmp_path / "a.svg", timeout=timeout),  # type: ignore[arg-type]
        lambda: render(small(), tmp_path / "a.dot", timeout=timeout),  # type: ignore[arg-type]
        lambda: run_dot("digraph {}", "svg", timeout=timeout),  # type: ignore[arg-type]
        lambda: draw(small()).pipe("svg", timeout=timeout),
        lambda: draw(small()).render(tmp_path / "b", timeout=timeout),
        lambda: backprop_steps(small(), timeout=timeout),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(ValueError, match=r"timeout must be a number of seconds above 0 and at most 3600, not"):
            call()
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("text", ["inf", "1e10", "-1", "nan", "0", "soon"])
def test_the_command_line_rejects_bad_timeouts_with_status_2(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "f.svg"
    arguments = ["render", "x*x", "--set", "x=3", "-o", str(output), "--timeout", text]
    if text == "soon":  # not a number: argparse's own usage error
        with pytest.raises(SystemExit) as stopped:
            main(arguments)
        assert stopped.value.code == 2
    else:
        assert main(arguments) == 2
    error = capsys.readouterr().err
    assert "timeout" in error and "Traceback" not in error
    assert not output.exists()


def test_a_timeout_kills_the_whole_group(slow_dot: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(DotTimeoutError, match=r"within 0\.5 s"):
        run_dot("digraph {}", "svg", timeout=0.5)
    assert time.perf_counter() - start < 5
    # SIGKILL reaches the backgrounded child asynchronously: it is gone a moment later, not at once
    assert wait_for(lambda: living_members(int(slow_dot.read_text())) == [], 5)


class AlarmError(Exception):
    pass


def test_an_exception_while_waiting_kills_the_whole_group(slow_dot: Path) -> None:
    # a signal handler that raises is the way an exception reaches a thread blocked on dot
    def interrupt(signum: int, frame: object) -> None:
        raise AlarmError

    previous = signal.signal(signal.SIGALRM, interrupt)
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        with pytest.raises(AlarmError):
            run_dot("digraph {}", "svg", timeout=60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - start < 5  # not waiting for dot's child to let go of the pipes
    assert wait_for(lambda: living_members(int(slow_dot.read_text())) == [], 5)
    # the handlers for SIGTERM and SIGHUP are back as they were
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


PARENT = """
import signal, sys
from viz import run_dot
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even when started in the background
signal.signal(signal.SIGTERM, signal.SIG_DFL)
if sys.argv[1] == "handler":
    def goodbye(signum, frame):
        print("handler ran", flush=True)
        sys.exit(3)
    signal.signal(signal.SIGTERM, goodbye)
run_dot("digraph {}", "svg", timeout=60)
"""


@pytest.mark.parametrize(
    ("sent", "setup", "status"),
    [
        (signal.SIGTERM, "default", -signal.SIGTERM),  # dies of the signal, as it would have without dot
        (signal.SIGTERM, "handler", 3),  # the program's own handler still runs
        (signal.SIGHUP, "default", -signal.SIGHUP),  # the terminal closed
        (signal.SIGINT, "default", -signal.SIGINT),  # Ctrl-C: KeyboardInterrupt, uncaught
    ],
    ids=["SIGTERM", "SIGTERM-handler", "SIGHUP", "KeyboardInterrupt"],
)
def test_a_parent_told_to_stop_leaves_no_dot_running(
    slow_dot: Path, sent: signal.Signals, setup: str, status: int
) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, setup], env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        group = dot_group(slow_dot)
        parent.send_signal(sent)
        out, _err = parent.communicate(timeout=10)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert parent.returncode == status
    assert (b"handler ran" in out) == (setup == "handler")
    assert wait_for(lambda: living_members(group) == [], 5), f"dot's group {group} is still running"


KILLED_PARENT = """
import sys
import viz.dot_runner
if sys.argv[1] == "prctl":  # as on a system without util-linux's setpriv
    viz.dot_runner._setpriv = lambda: None
viz.dot_runner.run_dot("digraph {}", "svg", timeout=60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
@pytest.mark.parametrize("how", ["setpriv", "prctl"])
def test_a_parent_killed_outright_leaves_no_dot_running(
    fake_dot: Callable[[str], Path], tmp_path: Path, how: str
) -> None:
    # issue 20, item 11: SIGKILL runs no code in the parent, so only the kernel can end dot
    if how == "setpriv" and dot_runner._setpriv() is None:
        pytest.skip("no setpriv that takes --pdeathsig here")
    record = tmp_path / "dot-pid"
    move, sleep = shutil.which("mv"), shutil.which("sleep")
    fake_dot(f"echo $$ > {record}.tmp && {move} {record}.tmp {record}\nexec {sleep} 30")
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, how], env=dict(os.environ),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dot = 0
    try:
        assert wait_for(record.exists), "the fake dot never started"
        dot = int(record.read_text())
        assert wait_for(lambda: living_members(dot) == [dot]), "the fake dot is not running in a group of its own"
        parent.kill()
        parent.wait(timeout=10)
        assert wait_for(lambda: living_members(dot) == [], 5), f"dot ({dot}) outlived its SIGKILLed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        if dot and living_members(dot):
            os.killpg(dot, signal.SIGKILL)


def test_the_notebook_display_uses_the_diagrams_timeout(slow_dot: Path) -> None:
    diagram = draw(small())
    diagram.timeout = 0.5
    start = time.perf_counter()
    bundle = diagram._repr_mimebundle_()
    assert time.perf_counter() - start < 5
    assert "within 0.5 s" in bundle["text/plain"] and "image/svg+xml" not in bundle
    assert wait_for(lambda: living_members(int(slow_dot.read_text())) == [], 5)  # the child dies a moment later
    with pytest.raises(DotTimeoutError):
        diagram.copy().pipe("svg")  # a copy keeps the timeout


def test_every_dot_run_goes_through_the_runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def bypass(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"dot ran without gradtrace's runner: {args}")

    monkeypatch.setattr(graphviz.backend.execute, "run_check", bypass)
    diagram = draw(small())
    network = draw_network(MLP(2, [3, 1], seed=0))
    assert diagram._repr_mimebundle_()["image/svg+xml"].startswith("<?xml")
    assert diagram._repr_image_svg_xml().startswith("<?xml")  # graphviz's own display hooks
    assert diagram._repr_image_png().startswith(b"\x89PNG")
    assert str(diagram.pipe(format="svg", encoding="utf-8")).startswith("<?xml")
    assert network.pipe("png").startswith(b"\x89PNG")
    written = Path(diagram.render(tmp_path / "square", format="png", cleanup=True))
    assert written == tmp_path / "square.png" and written.read_bytes().startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == [written]  # cleanup removed the saved source
    outfile = Path(network.render(outfile=tmp_path / "network.pdf"))
    assert outfile.read_bytes().startswith(b"%PDF") and (tmp_path / "network.gv").exists()
    assert render(network, tmp_path / "n.jpg").read_bytes().startswith(b"\xff\xd8")
    assert backprop_steps(small()).to_html(tmp_path / "steps.html").exists()
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / "c.png")]) == 0


def test_diagrams_run_the_dot_layout_only() -> None:
    diagram = draw(small())
    with pytest.raises(ValueError, match="dot layout only, not 'neato'"):
        diagram.pipe("svg", engine="neato")
