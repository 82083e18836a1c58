# The two commands users run: `make demo` (the main job) and `make test` (every test, lint and type check).
# Both create .venv and install what they need, including Graphviz's `dot` (and Chromium for the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORE_STAMP := $(VENV)/.core-installed
DEV_STAMP := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint typecheck unit bench notebooks notebooks-html clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { scripts/ensure-system-deps python3-venv && $(PYTHON) -m venv $(VENV); }

$(CORE_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[progress]'
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev,bench]'
	touch $@ $(CORE_STAMP)

demo: $(CORE_STAMP)
	@scripts/ensure-system-deps graphviz
	$(BIN)/gradtrace demo

test: $(DEV_STAMP)
	@scripts/ensure-system-deps graphviz chromium
	$(MAKE) --no-print-directory lint typecheck unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest

# Benchmarks print each figure beside the peer's (micrograd), measured in the same run.
bench: $(DEV_STAMP)
	@scripts/ensure-system-deps graphviz
	$(BIN)/python benchmarks/engine_vs_micrograd.py
	$(BIN)/python benchmarks/mlp_vs_micrograd.py
	$(BIN)/python benchmarks/matrix_vs_torch.py
	$(BIN)/python benchmarks/instructions.py
	$(BIN)/python benchmarks/machine_floor.py
	$(BIN)/python benchmarks/render_mlp.py
	$(BIN)/python benchmarks/nested_scopes.py
	$(BIN)/python benchmarks/shared_leaf_layout.py
	$(BIN)/python benchmarks/player_build.py
	$(BIN)/python benchmarks/fit_gc.py

# Open the notebooks in JupyterLab (installs the notebooks extra).
notebooks: $(DEV_STAMP)
	$(PIP) -e '.[notebooks]'
	@scripts/ensure-system-deps graphviz
	$(BIN)/jupyter lab notebooks/

# Execute every notebook and render it to HTML for reading, in out/notebooks/. The notebooks choose
# matplotlib's inline backend themselves; MPLBACKEND=Agg would make plt.show() draw nothing, so it is unset.
# The pages work offline: scripts/static_widgets.py draws each widget (tqdm's bar) from its saved state instead
# of the CDN's widget script (so no require.js either), and scripts/offline_mathjax.py copies MathJax beside them.
notebooks-html: $(DEV_STAMP)
	$(PIP) -e '.[notebooks]'
	@scripts/ensure-system-deps graphviz
	mkdir -p out/notebooks
	mathjax_url=$$($(BIN)/python scripts/offline_mathjax.py out/notebooks) && \
	env -u MPLBACKEND PYTHONPATH=scripts $(BIN)/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=120 \
		--HTMLExporter.preprocessors=static_widgets.StaticWidgets \
		--HTMLExporter.require_js_url= --HTMLExporter.mathjax_url="$$mathjax_url" \
		--output-dir out/notebooks notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
