"""The JSON file a model is saved to, written atomically and validated completely before use.

Format (UTF-8 JSON, one object)::

    {
     "format": "gradtrace-state",
     "version": 1,
     "module": "MLP",
     "architecture": {"kind": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "relu", ...},
     "state": {
      "layers.0.neurons.0.w.0": 0.6455...,
      "layers.0.neurons.0.w.1": -0.2175...,
      "layers.0.neurons.0.b": 0.0,
      ...
     }
    }

``module`` is the model's class name; ``state`` maps every name of ``Module.state_dict()``
(parameters, then buffers such as BatchNorm's running statistics) to a finite number, in the
model's order. ``architecture`` (optional: files from before it existed, and models with a custom
activation function, have none) holds ``Module.architecture()``, from which ``nn.load`` rebuilds the
model. Numbers are written with Python's shortest round-trip repr, so save → load
restores every float bit for bit.

Names ending in ``.<index>`` form a group (``...w.0``, ``...w.1`` are the group ``...w``); a group
whose size differs between file and model is reported as a shape mismatch.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

FORMAT = "gradtrace-state"
VERSION = 1

_INDEX_SUFFIX = re.compile(r"\.\d+$")


class StateError(ValueError):
    """A state dict or state file that does not fit the model; the message names the first mismatch."""


def group_of(name: str) -> str:
    """The group a state name belongs to: the name without a trailing ``.<index>``.

    >>> group_of("layers.0.neurons.3.w.1"), group_of("layers.0.neurons.3.b")
    ('layers.0.neurons.3.w', 'layers.0.neurons.3.b')
    """
    return _INDEX_SUFFIX.sub("", name)


def check_state(expected: Sequence[str], state: object, source: str = "state") -> list[float]:
    """The values of ``state`` in the order of ``expected``, after checking that they fit exactly.

    Raises ``StateError`` naming the first mismatch, in the model's order: a missing name (or
    a group of another size: a shape mismatch), a value that is not a number or not finite;
    then the first name the model does not have.

    >>> check_state(["w.0", "w.1"], {"w.0": 1.5, "w.1": -2})
    [1.5, -2.0]
    >>> check_state(["w.0", "w.1"], {"w.0": 1.5})
    Traceback (most recent call last):
    ...
    nn.state_file.StateError: state: shape mismatch for 'w': 1 value(s) given, the model has 2
    """
    if not isinstance(state, Mapping):
        raise StateError(f"{source}: expected a mapping of names to numbers, got {type(state).__name__}")
    expected_groups = Counter(group_of(name) for name in expected)
    given_groups = Counter(group_of(key) for key in state if isinstance(key, str))
    values: list[float] = []
    for name in expected:
        if name not in state:
            _raise_shape_mismatch(group_of(name), given_groups, expected_groups, source)
            raise StateError(f"{source}: {name!r} is missing{_counts(state, expected)}")
        values.append(_finite_number(state[name], name, source))
    known = set(expected)
    for key in state:
        if key not in known:
            if isinstance(key, str):
                _raise_shape_mismatch(group_of(key), given_groups, expected_groups, source)
            counts = _counts(state, expected)
            raise StateError(f"{source}: unexpected name {key!r}, which the model does not have{counts}")
    return values


def _counts(state: Mapping[object, object], expected: Sequence[str]) -> str:
    return f" ({len(state)} entries given, the model has {len(expected)})" if len(state) != len(expected) else ""


def _raise_shape_mismatch(group: str, given: Counter[str], expected: Counter[str], source: str) -> None:
    if given[group] and expected[group] and given[group] != expected[group]:
        raise StateError(
            f"{source}: shape mismatch for {group!r}: {given[group]} value(s) given, the model has {expected[group]}"
        )


def _finite_number(value: object, name: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StateError(f"{source}: {name!r} must be a number, got {type(value).__name__} {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise StateError(f"{source}: {name!r} is not finite ({value!r})")
    return number


def encode_state(module_type: str, state: Mapping[str, float], architecture: Mapping[str, Any] | None = None) -> str:
    """The file text for ``state`` and the optional ``architecture`` (see the module docstring); refuses non-finite
    numbers.

    >>> print(encode_state("Neuron", {"w.0": 0.5, "b": 0.0}))
    {
     "format": "gradtrace-state",
     "version": 1,
     "module": "Neuron",
     "state": {
      "w.0": 0.5,
      "b": 0.0
     }
    }
    """
    for name, value in state.items():
        if not math.isfinite(value):
            raise StateError(f"cannot save: {name!r} is not finite ({value!r}); a saved model must load again")
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION, "module": module_type}
    if architecture is not None:
        document["architecture"] = dict(architecture)
    document["state"] = dict(state)
    try:
        return json.dumps(document, indent=1, allow_nan=False)
    except RecursionError:  # the JSON writer recurses once per level of nesting
        raise StateError(
            "cannot save: the architecture is nested too deeply to write as JSON (and to read back); "
            "flatten nested Sequentials into one"
        ) from None


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` so that ``path`` holds either its old content or all of ``text``, never a part.

    The text goes to a temporary file in the same directory, is flushed to disk, then renamed
    over ``path`` (``os.replace`` is atomic within a file system). A symlink is followed: the file
    it points to is replaced and the link stays. The new file keeps the old one's permission bits,
    or, for a new file, gets 0666 minus the umask, as ``open()`` would give it. An existing target
    that is not a regular file (a FIFO, a device such as ``/dev/null``, a directory), directly or
    through a symlink, is refused with ``ValueError`` naming it: replacing it would destroy it.
    """
    target = os.path.realpath(path)
    mode = _permissions_for(target, os.fspath(path))  # before anything is written
    directory = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)  # mkstemp creates 0600
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


_SPECIAL_FILES = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def _permissions_for(target: str, given: str) -> int:
    """The permission bits the saved file gets (the existing file's); ``ValueError`` if ``target`` exists and is not a
    regular file (``given`` is the path as the caller wrote it, ``target`` where its symlinks lead)."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return 0o666 & ~_current_umask()
    if not stat.S_ISREG(mode):
        where = given if given == target else f"{given} (which leads to {target})"
        kind = _SPECIAL_FILES.get(stat.S_IFMT(mode), "not a regular file")
        raise ValueError(f"cannot save to {where}: it is {kind}, and saving would replace it with a regular file")
    return stat.S_IMODE(mode)


def _current_umask() -> int:
    mask = os.umask(0o022)  # the only portable way to read the umask is to set it and put it back
    os.umask(mask)
    return mask


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The whole JSON object of the state file at ``path``, after checking ``format`` and ``version``.

    Raises ``StateError`` for text that is not UTF-8 JSON, duplicate keys, nesting too deep to
    read, an integer of more than ``MAX_INTEGER_DIGITS`` digits, or a ``format`` / ``version``
    other than this module's (the version must be the integer 1: ``true`` and ``1.0`` are refused).
    """
    where = os.fspath(path)
    with open(where, "rb") as stream:
        raw = stream.read()
    try:
        document = json.loads(raw.decode("utf-8"), object_pairs_hook=_without_duplicates, parse_int=_bounded_int)
    except UnicodeDecodeError as error:
        raise StateError(f"{where}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise StateError(f"{where}: malformed JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except _DuplicateKeyError as error:
        raise StateError(f"{where}: malformed JSON: key {error.args[0]!r} appears twice") from None
    except _HugeIntegerError as error:
        raise StateError(f"{where}: an integer of {error.args[0]} digits is too large for a state file") from None
    except RecursionError:
        raise StateError(f"{where}: malformed state file: JSON nested too deeply to read") from None
    if not isinstance(document, dict):
        raise StateError(f"{where}: expected a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise StateError(f"{where}: not a gradtrace state file (format is {document.get('format')!r}, not {FORMAT!r})")
    version = document.get("version")
    if type(version) is not int or version != VERSION:  # True == 1 and 1.0 == 1 in Python, but not in the format
        raise StateError(f"{where}: unsupported version {version!r} (this gradtrace reads the integer {VERSION})")
    return document


def read_state_file(path: str | os.PathLike[str], module_type: str) -> Any:
    """The ``state`` object of the file at ``path``, after checking the header (``check_state`` checks the entries).

    Raises ``StateError`` as ``read_document`` does, and for a file saved from another kind of
    module or a ``state`` that is not an object.
    """
    return state_of(read_document(path), module_type, os.fspath(path))


def state_of(document: Mapping[str, Any], module_type: str, where: str) -> dict[str, Any]:
    """The ``state`` object of a state file's ``document`` (``read_document``), after checking that it was saved from
    a ``module_type`` and is an object; ``where`` names the file in the ``StateError``."""
    if document.get("module") != module_type:
        raise StateError(f"{where}: the file holds a {document.get('module')!r}, the model is a {module_type!r}")
    state = document.get("state")
    if not isinstance(state, dict):
        raise StateError(f"{where}: 'state' must be an object of names to numbers, got {type(state).__name__}")
    return state


MAX_INTEGER_DIGITS = 400
"""Longer integer literals are refused: no saved number needs them (a float holds at most 309 digits)."""


class _HugeIntegerError(Exception):
    pass


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _HugeIntegerError(digits)
    return int(text)


class _DuplicateKeyError(Exception):
    pass


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result
