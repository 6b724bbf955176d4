# Two-command start: `make demo` (install + train the embedded default) and `make test` (install + full suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(abspath ../shared/data)

.PHONY: install demo test lint bench clean

$(BIN)/aekit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/aekit

install: $(BIN)/aekit

demo: install
	$(BIN)/aekit demo -o runs/demo

# The whole suite on the default backend, then the model contract again on the other one.
test: install
	AEKIT_DATA_DIR=$${AEKIT_DATA_DIR:-$(DATA_DIR)} AEKIT_NO_DOWNLOAD=1 $(BIN)/python -m pytest -q
	AEKIT_DATA_DIR=$${AEKIT_DATA_DIR:-$(DATA_DIR)} AEKIT_NO_DOWNLOAD=1 KERAS_BACKEND=jax $(BIN)/python -m pytest -q \
		-m backend_contract -p no:cacheprovider --durations=5

lint: install
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) runs build *.egg-info
