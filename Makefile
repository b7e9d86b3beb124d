# Greenroom: `make run` starts the portal, `make test` runs the whole suite.
# Both create .venv and install what is missing first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: run test lint check-python clean

run: $(RUNTIME)
	@$(PY) manage.py serve

test: $(DEV)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
	$(PY) -m pytest --db=postgres

lint: $(DEV)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Greenroom needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(DEV): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUNTIME)

clean:
	rm -rf $(VENV) var *.egg-info
