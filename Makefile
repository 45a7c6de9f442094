# Two commands set everything up on a fresh machine with Python 3.11 and make:
#   make run   – install, migrate, load demo data, start web + Celery worker + beat
#   make test  – install and run the whole test suite (lint included)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: run test lint install browser migrate demo static messages benchmarks screenshots clean check-migrations-from-main

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_data

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Links in pages, the API, feeds and messages follow PORT unless SITE_URL is set (production
# sets it). Exported to the prerequisites too: the demo data writes messages with links.
run: export SITE_URL := $(or $(SITE_URL),http://127.0.0.1:$(PORT))
run: demo static
	@echo "Web: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, the worker and beat)"
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) WEB_PORT=$(PORT) $(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (Playwright's own download does not work offline);
# the attendance-sheet test reads the PDF with poppler-utils' pdftotext.
# As root with apt they are installed here; otherwise the one command to run is printed.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ] && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium and poppler-utils for the browser and PDF tests…"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	else \
	  echo "The tests need Chromium at $(CHROMIUM) and pdftotext. Run: sudo apt-get install -y chromium poppler-utils"; \
	  exit 1; \
	fi

test: lint browser
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Every script runs (those that need PostgreSQL or Redis say why they are skipped without them);
# the machine's load is printed before and after each, since figures are read against it.
# BENCHMARKS names a subset, e.g. make benchmarks BENCHMARKS="benchmarks/bench_pages.py".
BENCHMARKS ?= $(wildcard benchmarks/bench_*.py)
benchmarks: migrate
	@failed=""; for script in $(BENCHMARKS); do \
	  echo "== $$script ($$(date -u +%H:%M) UTC, load before: $$(cut -d' ' -f1-3 /proc/loadavg))"; \
	  $(BIN)/python $$script || failed="$$failed $$script"; \
	  echo "== $$script done ($$(date -u +%H:%M) UTC, load after: $$(cut -d' ' -f1-3 /proc/loadavg))"; \
	done; \
	if [ -n "$$failed" ]; then echo "Failed:$$failed"; exit 1; fi

screenshots: install
	$(BIN)/python benchmarks/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache build *.egg-info
