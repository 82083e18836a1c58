"""State files on disk: permissions kept, umask respected, symlinks followed."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from nn.layers import MLP


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_027() -> Iterator[None]:
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


def test_resaving_keeps_a_private_file_private(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    model = MLP(2, [3, 1], seed=0)
    model.save(path)
    os.chmod(path, 0o600)
    model.save(path)
    assert mode(path) == 0o600
    os.chmod(path, 0o640)
    model.save(path)
    assert mode(path) == 0o640


def test_a_new_file_gets_0666_minus_the_umask(tmp_path: Path, umask_027: None) -> None:
    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    assert mode(path) == 0o640
    assert os.umask(0o027) == 0o027  # save put the umask back


def test_saving_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "model.json"
    target.parent.mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    model = MLP(2, [3, 1], seed=0)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.is_file()
    assert MLP(2, [3, 1], seed=5).load(target).state_dict() == model.state_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "real"]  # no temporary left beside the link
