# Hipday: `make run` serves the app, `make test` runs every test; both set up a fresh clone first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
CHROMIUM := /usr/bin/chromium
FAKETIME := /usr/bin/faketime
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test test-postgres test-dates lint bench setup clean icons figures

run: setup
	$(BIN)/flask --app webapp init
	@echo ""
	@echo "  Hipday is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	@# The scheduler (reminders) runs beside the web server, in its own process, and stops with it.
	$(BIN)/flask --app webapp scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'webapp:create_app()'

# The browser-side maths (tests/js/, node's own test runner) first, then every Python test. The
# files are named, since Node 20 reads a directory argument as a folder and Node 21+ as a file.
test: setup $(CHROMIUM)
	node --test tests/js/*.test.mjs
	$(BIN)/pytest

# The same suite on PostgreSQL: .ci/postgres starts a local server when none answers and prints
# its URL; every test then gets a database of its own there.
test-postgres: setup $(CHROMIUM)
	url=$$(.ci/postgres) && DATABASE_URL="$$url" $(BIN)/pytest

# The unit and integration suites under faketime at awkward moments (a Sunday evening west of
# UTC, New Year's Eve, the nights Europe and the US change their clocks, 29 February): the
# moments are listed in .ci/test-dates.
test-dates: setup $(FAKETIME)
	.ci/test-dates

lint: setup
	$(BIN)/ruff check routines webapp tests
	$(BIN)/ruff format --check routines webapp tests
	$(BIN)/mypy --strict routines webapp
	$(BIN)/python .ci/audit

bench: setup $(CHROMIUM)
	$(BIN)/pytest -q -s -p no:cacheprovider tests/bench/bench_*.py

icons: setup $(CHROMIUM)
	$(BIN)/flask --app webapp pwa icons

# Every exercise's figure, keyframe by keyframe, on one contact sheet: build/figures/ gets
# contact-sheet.html and contact-sheet.png (drawn by Chromium). Look at it after changing a figure.
figures: setup $(CHROMIUM)
	$(BIN)/flask --app webapp figures

setup: $(VENV)/.installed static/vendor/htmx.min.js

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer with npm (Debian/Ubuntu: sudo apt-get install nodejs npm; macOS: brew install node), then run make again."; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(CHROMIUM):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium

$(FAKETIME):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends faketime

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .mypy_cache .ruff_cache
