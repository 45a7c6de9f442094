# Two commands set everything up on a fresh machine with Python 3.11 and make:
#   make run   – install, migrate, load demo data, start web + Celery worker + beat
#   make test  – install and run the whole test suite (lint included)

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: run test lint install migrate demo static messages benchmarks screenshots clean

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

# Links in feeds, e-mails and the API follow PORT unless SITE_URL is set (production sets it).
run: demo static
	@echo "Web: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, the worker and beat)"
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} WEB_PORT=$(PORT) \
		$(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

benchmarks: migrate
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

screenshots: install
	$(BIN)/python benchmarks/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache build *.egg-info
