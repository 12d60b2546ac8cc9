# Two commands on a fresh machine: `make run` and `make test`. Each creates .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench clean

# The app is installed as setuptools' *strict* editable install: the .pth names a folder of
# links to the sources (build/__editable__.*), as a plain install would name site-packages, so
# every start of `appleuse` costs what a user's does — the default (lenient) mode puts an import
# hook in a .pth instead, which imports pathlib, importlib.util, urllib… before any command
# (valgrind: ~23 M instructions more for `appleuse quote`, ~5 M for `appleuse summary`, which
# needs pathlib anyway). Edits show at once; a module added or removed changes its folder's
# time, and the next make installs again.
APP_DIRS := $(shell find app -type d -not -name __pycache__ 2>/dev/null)

$(STAMP): pyproject.toml $(APP_DIRS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' --config-settings editable_mode=strict
	$(BIN)/python -OO -c "import compileall as c, sysconfig as s; \
	    c.compile_dir(s.get_path('purelib'), quiet=2, workers=0)"
	touch $(STAMP)

# The window as `python -OO -m app`: without docstrings (nor asserts), ~5 MiB less resident
# memory at 100,000 clients for the same CPU (bench/growth.py starts it so;
# tests/test_optimized.py checks the app works so). The install above compiles the libraries'
# bytecode for -OO, so the first start does not.
run: $(STAMP)
	$(BIN)/python -OO -m app

demo: $(STAMP)
	$(BIN)/appleuse demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/billing.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
