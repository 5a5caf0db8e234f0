# Two commands: `make run` (set up, migrate, load demo data, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYNERGY := $(BIN)/synergy
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev lint typecheck pytest messages clean serve-only

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

setup: $(VENV)/.installed node_modules/.installed var/secret_key

setup-dev: $(VENV)/.installed-dev node_modules/.installed

run: setup
	SECRET_KEY_FILE=var/secret_key $(SYNERGY) migrate --no-input
	SECRET_KEY_FILE=var/secret_key $(SYNERGY) createcachetable
	SECRET_KEY_FILE=var/secret_key $(SYNERGY) collectstatic --no-input -v0
	SECRET_KEY_FILE=var/secret_key $(SYNERGY) demo
	@# The background worker (imports, exports, reports) runs beside the server and stops with it.
	SECRET_KEY_FILE=var/secret_key $(SYNERGY) worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  SECRET_KEY_FILE=var/secret_key $(SYNERGY) serve --host $(HOST) --port $(PORT)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-dev
	DEBUG=1 $(BIN)/mypy

pytest: setup-dev
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "NOTE: /usr/bin/chromium is missing: the browser tests will be SKIPPED." \
	       "Install it with 'apt-get install chromium' (CI does)."; fi
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

messages: setup-dev
	cd synergy && ../$(SYNERGY) makemessages --all --no-obsolete --ignore='*/tests/*'
	cd synergy && ../$(SYNERGY) compilemessages

clean:
	rm -rf $(VENV) node_modules var/static
