# The two commands of the README: `make run` and `make test`. Both create .venv/ when needed.
PYTHON ?= $(shell ./scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test system-deps native lint bench quality clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: no Python >= 3.12 found (see scripts/find-python)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime install (with the native-build tools); re-run when the project definition changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[native]'
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,native]'
	@touch $@ $(VENV)/.installed

# The engine's hot path compiled with mypyc (lureguard/native.py); quick when current.
native: $(VENV)/.installed
	$(BIN)/python -m lureguard.native_build

run: native
	$(BIN)/lureguard rules compile
	$(BIN)/lureguard run $(ARGS)

# The suite's system packages (browsers, curl, gcc, certutil): installed when missing as root,
# otherwise the one command to run is printed and make stops before anything else.
system-deps:
	@./scripts/system-deps

test: system-deps $(VENV)/.installed-dev native
	$(BIN)/ruff check addon tests bench
	$(BIN)/mypy
	$(BIN)/pytest $(ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check addon tests bench
	$(BIN)/ruff format --check addon tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed-dev native
	$(BIN)/python bench/engine.py

quality: $(VENV)/.installed-dev native
	$(BIN)/python bench/quality.py

clean:
	-test -x $(BIN)/python && $(BIN)/python -m lureguard.native_build --clean
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
