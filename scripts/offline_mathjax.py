"""MathJax beside the notebook pages, so ``make notebooks-html`` typesets the maths offline.

nbconvert's pages load MathJax from a CDN. ``install`` copies the MathJax 2 that the PyPI package
jupyter-server-mathjax puts in the venv into ``<folder>/mathjax`` and returns the relative URL the
pages in ``folder`` load it from (nbconvert's ``--HTMLExporter.mathjax_url``); the folder can then be
moved or shared as a whole. From the command line it prints that URL::

    python scripts/offline_mathjax.py out/notebooks
"""

from __future__ import annotations

import shutil
import sys
from importlib.util import find_spec
from pathlib import Path

FOLDER = "mathjax"
# jupyter-server-mathjax ships MathJax's STIX-Web fonts only: HTML-CSS output must be told to use them, or
# it looks for its default TeX fonts, finds none and sets the maths in plain upright serif.
LOCAL_CONFIG = """MathJax.Hub.Config({
  "HTML-CSS": { availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null }
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/offline.js");
"""
CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe,local/offline"  # the package's combined config, the safe mode, ours
URL = f"{FOLDER}/MathJax.js?config={CONFIG}"  # relative to the pages' folder


def install(folder: Path) -> str:
    """Copy MathJax into ``folder/mathjax`` (replacing an older copy) and return the pages' URL for it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     url = install(Path(folder))
    ...     (Path(folder) / url.split("?")[0]).is_file(), (Path(folder) / FOLDER / "config/local/offline.js").is_file()
    (True, True)
    >>> url
    'mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/offline'
    """
    package = find_spec("jupyter_server_mathjax")  # located, not imported: importing it starts up jupyter_server
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError("jupyter-server-mathjax is not installed: pip install -e '.[notebooks]'")
    target = folder / FOLDER
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(Path(package.submodule_search_locations[0]) / "static", target)
    (target / "config" / "local").mkdir(parents=True, exist_ok=True)
    (target / "config" / "local" / "offline.js").write_text(LOCAL_CONFIG, encoding="utf-8")
    return URL


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/offline_mathjax.py FOLDER  (the folder the HTML pages are written to)")
    print(install(Path(sys.argv[1])))
