"""Work run in a forked child (or here, at once): its result comes back, its failure names the child's traceback, a
child past its timeout is killed, and the child ignores Ctrl-C (the training process handles it)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from viz.training.elsewhere import Elsewhere, ElsewhereError, can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="forks on Linux only")


@pytest.mark.parametrize("fork", [pytest.param(True, marks=needs_fork), False])
def test_the_result_comes_back(fork: bool) -> None:
    job = Elsewhere(lambda: {"pid": os.getpid(), "text": "x" * 200_000}, fork=fork)  # more than a pipe's buffer
    result = job.result(timeout=30)
    assert job.done() and result["text"] == "x" * 200_000
    assert (result["pid"] != os.getpid()) is fork


def _fails() -> None:
    raise ValueError("the work's own message")


@needs_fork
def test_a_failure_in_the_child_names_its_traceback() -> None:
    with pytest.raises(ElsewhereError, match=r"(?s)in its child process: Traceback.*ValueError: the work's own"):
        Elsewhere(_fails, fork=True).result(timeout=30)


def test_without_a_fork_the_work_runs_here_at_once_and_its_failure_is_raised_as_it_is() -> None:
    ran: list[int] = []
    job = Elsewhere(lambda: ran.append(os.getpid()), fork=False)
    assert ran == [os.getpid()] and job.done()  # not in a thread: the work reads a model training changes
    with pytest.raises(ValueError, match="the work's own message"):
        Elsewhere(_fails, fork=False).result(timeout=30)


@needs_fork
def test_a_child_past_its_timeout_is_killed() -> None:
    job = Elsewhere(lambda: time.sleep(60), fork=True)
    pid = job._pid
    assert pid is not None
    started = time.perf_counter()
    with pytest.raises(TimeoutError, match=r"did not finish in 0\.5 s"):
        job.result(timeout=0.5)
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(pid, os.WNOHANG)


def _interrupted_then_answers() -> str:
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C at a terminal reaches the whole process group
    time.sleep(0.2)
    return "still here"


@needs_fork
def test_the_child_ignores_ctrl_c() -> None:
    assert Elsewhere(_interrupted_then_answers, fork=True).result(timeout=30) == "still here"


@needs_fork
def test_the_child_runs_nicer_than_its_parent_when_asked() -> None:
    mine = os.nice(0)
    assert Elsewhere(lambda: os.nice(0), fork=True, nice=5).result(timeout=30) == min(19, mine + 5)
    assert Elsewhere(lambda: os.nice(0), fork=True).result(timeout=30) == mine


@needs_fork
def test_a_child_read_later_is_read_by_the_first_thread_that_asks() -> None:
    job = Elsewhere(lambda: "x" * 200_000, fork=True, read_later=True)  # more than a pipe's buffer: it waits
    assert job._reader is not None and job._reader.ident is None  # no thread reads it yet
    assert job.result(timeout=30) == "x" * 200_000 and job.done()
    late = Elsewhere(lambda: time.sleep(60), fork=True, read_later=True)
    assert late._pid is not None
    with pytest.raises(TimeoutError, match=r"did not finish in 0\.5 s"):
        late.result(timeout=0.5)
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(late._pid, os.WNOHANG)
