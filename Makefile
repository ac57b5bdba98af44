# `make lecture` and `make test` work on a fresh machine: the first run makes
# .venv/ and installs everything; later runs reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV ?= .venv
# The CPU wheel keeps the install small; with an NVIDIA GPU use TORCH=torch (see README, "GPU").
TORCH ?= torch==2.13.0
BIN = $(VENV)/bin
# The project's extras to install: test for `make test`; .ci/run adds ray, so CI runs the Ray tests too.
EXTRAS ?= test
STAMP = $(VENV)/.installed-$(EXTRAS)
# axe-core, vnu-jar and reveal.js, which the browser and validator tests drive.
JS_TOOLS = tests/js/node_modules/.installed
ARGS ?=
PYTEST_ARGS ?=

.PHONY: lecture test test-fast bench clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

$(JS_TOOLS): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(JS_TOOLS)

lecture: $(STAMP)
	$(BIN)/lecturegen build $(ARGS)

test: $(STAMP) $(JS_TOOLS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) output/*/ dist build
