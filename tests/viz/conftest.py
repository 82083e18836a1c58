"""Shared fixtures for the renderer tests: the worked cs231n circuit, SVG text, and stand-ins for ``dot``."""

from __future__ import annotations

import json
import os
import shutil
import stat
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd import Value
from autograd.examples import sigmoid_circuit

GOLDEN = Path(__file__).parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"

@pytest.fixture
def wires() -> dict[str, Value]:
    """The cs231n sigmoid circuit (gate by gate, sigmoid gate in a scope) after backward."""
    circuit = sigmoid_circuit(gate_by_gate=True)
    circuit["f"].backward()
    return circuit


@pytest.fixture(scope="session")
def reference() -> list[dict[str, object]]:
    """The published wire values and gradients of the cs231n figure."""
    data = json.loads((GOLDEN / "cs231n-sigmoid.json").read_text())
    wires: list[dict[str, object]] = data["wires"]
    return wires


def _svg_texts(svg: str | bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(element.itertext()).replace("\xa0", " ") for element in root.iter(f"{SVG}text")]


def _svg_ids(svg: str | bytes) -> set[str]:
    return {element.get("id", "") for element in ET.fromstring(svg).iter(f"{SVG}g")}


@pytest.fixture(scope="session")
def svg_texts() -> Callable[[str | bytes], list[str]]:
    """Every text element's content in an SVG document (parsing also proves it is well-formed XML)."""
    return _svg_texts


@pytest.fixture(scope="session")
def svg_ids() -> Callable[[str | bytes], set[str]]:
    """The ids of an SVG document's groups (Graphviz writes one ``<g>`` per node, edge and cluster)."""
    return _svg_ids


@pytest.fixture
def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Install a shell script as the only ``dot`` on PATH; returns the script's path."""

    def install(body: str) -> Path:
        folder = tmp_path / "fake-bin"
        folder.mkdir(exist_ok=True)
        script = folder / "dot"
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setenv("PATH", str(folder))
        return script

    return install


@pytest.fixture
def no_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH on which there is no ``dot`` at all."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None, os.environ["PATH"]
