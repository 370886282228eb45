# Two commands are all a fresh machine needs:
#   make lab    start the workbook (JupyterLab on notebooks/)
#   make test   run every test (lint, unit, notebooks headless, real browser)
# Both create .venv and install the project when it is missing or out of date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8866
# Jupyter refuses to run as root unless told; containers and CI often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab app test lint bench schema clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=notebooks notebooks/00_start_here.ipynb

# The guided session as an app for people who never read code.
app: $(STAMP)
	$(BIN)/voila notebooks/02_guided_session.ipynb --port=$(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Regenerate the committed JSON Schema after changing the model or data/zones.yaml.
schema: $(STAMP)
	$(BIN)/protocol-tools schema -o protocols/schema/protocol.schema.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
