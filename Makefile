# Two-command start: `make demo` (install + train the embedded default) and `make test` (install + full suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(abspath ../shared/data)
# Two pytest workers, one test file each at a time: most tests spend much of their time in one thread (imports,
# tracing, subprocess start-up), so two share two cores with little contention.
TEST_WORKERS ?= 2

.PHONY: install demo test lint bench clean docs docs-check docs-pictures

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
	AEKIT_DATA_DIR=$${AEKIT_DATA_DIR:-$(DATA_DIR)} AEKIT_NO_DOWNLOAD=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) \
		--dist loadfile
	AEKIT_DATA_DIR=$${AEKIT_DATA_DIR:-$(DATA_DIR)} AEKIT_NO_DOWNLOAD=1 KERAS_BACKEND=jax $(BIN)/python -m pytest -q \
		-m backend_contract -p no:cacheprovider --durations=5

# The documentation site, warnings as errors; docs-check opens every page in headless Chromium (Debian's
# chromium package, or CHROMIUM=/path) and fails on a broken link, a missing image or a page that does not render.
docs: install
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "Built docs/_build/html/index.html"

docs-check: docs
	$(BIN)/python docs/check_site.py docs/_build/html --screenshots docs/screenshots

# The pictures the guides show: each example runs into runs/examples/NAME, its PICTURES go to docs/_static/examples.
docs-pictures: install
	$(BIN)/python docs/make_pictures.py

lint: install
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) runs build *.egg-info docs/_build
