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


def special_file(kind: str, path: Path) -> Path:
    """A FIFO, a character device (made like /dev/null, inside ``tmp_path``: needs root) or a directory at ``path``."""
    if kind == "FIFO":
        os.mkfifo(path)
    elif kind == "character device":
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device node needs root")
    else:
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["FIFO", "character device", "directory"])
@pytest.mark.parametrize("through_a_symlink", [False, True], ids=["direct", "symlink"])
def test_saving_onto_an_existing_special_file_is_refused_and_leaves_it(
    kind: str, through_a_symlink: bool, tmp_path: Path
) -> None:
    """Issue 20, item 4: a FIFO or a device node became a regular file (as root, save("/dev/null") replaced it)."""
    special = special_file(kind, tmp_path / "special")
    path = tmp_path / "link.json" if through_a_symlink else special
    if through_a_symlink:
        path.symlink_to(special)
    before = os.lstat(special)
    with pytest.raises(ValueError, match=rf"cannot save to {path}.*: it is a {kind}, and saving would replace it"):
        MLP(2, [3, 1], seed=0).save(path)
    after = os.lstat(special)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"special", path.name})  # no temporary left
