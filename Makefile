# Two commands are all a fresh machine needs:
#   make lab    start the workbook (JupyterLab on notebooks/)
#   make test   run every test (lint, unit, notebooks headless, real browser)
# Both create .venv and install the exact versions in requirements.lock (every file's
# hash checked) when .venv is missing or out of date. `make lock` moves the pins.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
PORT   ?= 8866
# Jupyter refuses to run as root unless told; containers and CI often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# The editable install copies the Voilà template from here into .venv/share, so a
# change to any of its files (or a file added or removed) means installing again.
VOILA_FILES := $(shell find src/protocol_tools/voila 2>/dev/null)
# JupyterLab settings for `make lab`: no news feed and no update check, since the
# workbook runs offline and calls nobody. The install puts them in overrides.d
# (pyproject.toml's shared-data), where a package's own defaults go; the user's
# settings still win.
LAB_OVERRIDES := src/protocol_tools/jupyter/lab_overrides.json
# `make lock`: uv resolves one lock for every platform and Python 3.11 and later.
UV_VERSION   := 0.13.9
LOCK_PYTHON  := 3.11
# Every pin moves to the newest release pyproject.toml allows; LOCK_UPGRADE= keeps
# them (after adding a dependency), LOCK_UPGRADE="--upgrade-package NAME" moves one.
LOCK_UPGRADE ?= --upgrade
# The class hub (`make hub`): its proxy from npm, and where the demo hub listens.
HUB_PROXY := hub/node_modules/.bin/configurable-http-proxy
HUB_PORT  ?= 8000

.PHONY: lab app test lint bench schema lock clean python-version hub proxy

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }

# Only pinned files with known hashes go in; the project itself adds nothing, and
# it is built by the locked hatchling, not one fetched unpinned for the build.
$(STAMP): pyproject.toml $(LOCK) $(LAB_OVERRIDES) $(VOILA_FILES) | python-version
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --LabApp.news_url=None \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  --ServerApp.root_dir=notebooks notebooks/00_start_here.ipynb

# The guided session as an app for people who never read code.
app: $(STAMP)
	$(BIN)/voila notebooks/02_guided_session.ipynb --template=workbook --port=$(PORT)

test: $(STAMP) $(HUB_PROXY)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The class hub's proxy: configurable-http-proxy from the npm registry, the exact
# versions (and hashes) of hub/package-lock.json, into hub/node_modules (not in git).
# The hub tests need it, so `make test` installs it too (HUB_PROXY is set above).
$(HUB_PROXY): hub/package.json hub/package-lock.json
	cd hub && npm ci --no-audit --no-fund --ignore-scripts
	touch $(HUB_PROXY)

proxy: $(HUB_PROXY)

# A class hub on this computer for trying it (demo sign-in, loopback only): see
# README, "A class on JupyterHub". PROTOCOL_TOOLS_HUB_DB=postgresql+psycopg://… uses
# that database; without it a throwaway PostgreSQL cluster lives as long as the hub.
hub: $(STAMP) $(HUB_PROXY)
	$(BIN)/python hub/demo.py --port=$(HUB_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Regenerate the committed JSON Schema after changing the model or data/zones.yaml.
schema: $(STAMP)
	$(BIN)/protocol-tools schema --force -o protocols/schema/protocol.schema.json

# The build backend is locked too: pyproject.toml's build requirements, plus the
# `editables` that hatchling asks for to install a project in editable mode
# (tests/test_environment.py checks the lock holds what hatchling asks for).
BUILD_REQUIRES := import tomllib; \
  build = tomllib.load(open("pyproject.toml", "rb"))["build-system"]; \
  print(*build["requires"], "editables", sep="\n")

lock: | python-version
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/python -c '$(BUILD_REQUIRES)' > $(VENV)/build-system.in
	$(BIN)/uv pip compile --quiet --no-config pyproject.toml $(VENV)/build-system.in \
	  --extra test --universal --python-version $(LOCK_PYTHON) --generate-hashes \
	  --custom-compile-command "make lock" $(LOCK_UPGRADE) -o $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
