# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
# `make run PORT=8001` serves on another port.
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test faults soak backup-check prepare lint format bench stop-services clean

$(VENV)/.installed: requirements.txt requirements-local.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

prepare: $(VENV)/.installed
	$(MANAGE) compile_translations
	$(MANAGE) migrate --noinput

## Serve the portal on http://127.0.0.1:$(PORT) (default 8000) with a Celery worker and beat.
run: prepare
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) seed_demo --once
	$(BIN)/honcho start -f Procfile --port $(PORT)

## The whole test suite, with a coverage report, on TEST_WORKERS processes (pytest-xdist; each
## worker has its own test database; TEST_WORKERS=0 runs in this process).
TEST_WORKERS ?= 2
test: $(VENV)/.installed
	$(MANAGE) compile_translations
	$(BIN)/pytest -n $(TEST_WORKERS) --cov=apps --cov=config --cov-report=term:skip-covered $(PYTEST_ARGS)

## Fault tests: kill Celery workers mid-job, drop database connections (about 2 minutes).
faults: $(VENV)/.installed
	$(MANAGE) compile_translations
	$(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

## Soak: 32 connections against gunicorn on loopback for SOAK_SECONDS (default 600).
soak: prepare
	$(BIN)/python bench/soak.py --seconds $(or $(SOAK_SECONDS),600)

## Dump the database, restore it into a fresh one, compare every table (docs/operations.md).
backup-check: $(VENV)/.installed
	$(BIN)/python scripts/backup_restore_check.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: prepare
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py $(if $(SCALE),--scale $(SCALE))

## Stop the embedded PostgreSQL and Redis started under .local/.
stop-services:
	$(BIN)/python -m config.embedded stop

clean:
	rm -rf $(VENV) staticfiles
