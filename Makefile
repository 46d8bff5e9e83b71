# Reality Check — every task a developer or CI runs. `make run` and `make test` are the set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: api-schema messages run test lint install install-dev migrate load-content lock bench bench-classroom bench-sims bench-multihost bench-browser backup restore clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(PY)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# createcachetable: the "shared" cache's table (throttle and log-in counts) when REDIS_URL is
# unset; a migration creates it too, this also covers a REDIS_URL dropped after migrating.
migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py createcachetable

# Loads fixtures only into an empty database: teachers' later edits are never overwritten.
load-content: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py load_initial_content

run: load-content
	@echo ""
	@echo "  Reality Check is at http://$(HOST):$(PORT)/"
	@echo "  Create a teacher account:  $(PY) manage.py create_teacher USERNAME"
	@echo "  (or a superuser:           $(PY) manage.py createsuperuser)"
	@echo ""
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .

# pytest-xdist, one worker per core (`-n auto`: 2 on the 2-core CI machine, 11–12 min
# instead of ~21 one after the other); PYTEST_ARGS='-n 0' runs them in one process.
PYTEST_ARGS ?= -n auto
test: install-dev lint
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(BIN)/pytest $(PYTEST_ARGS)

# Load test: gunicorn (production settings) driven by wrk, SMALL and LARGE generated databases
# kept in benchmarks/out/ (or beside DATABASE_URL's PostgreSQL database), then bench-sims.
# Needs Debian's wrk (sudo apt-get install wrk). ARGS='--only "home,case detail" --skip-sims'.
bench: install
	$(PY) benchmarks/run.py $(ARGS)
	$(PY) benchmarks/classroom.py
	$(PY) benchmarks/multihost.py

# A class of 300 in a live check-in (gunicorn, 3 workers; SQLite, and PostgreSQL when
# DATABASE_URL is postgres://…). ARGS='--students 100 --only sqlite'.
bench-classroom: install
	$(PY) benchmarks/classroom.py $(ARGS)

# Explorable simulations in Chromium: input → redrawn chart p50/p95 per simulation at defaults
# (its own runserver on a scratch database; needs /usr/bin/chromium). ARGS='--moves 10 --only base-rate'.
bench-browser: install-dev
	$(PY) benchmarks/browser.py $(ARGS)

# One instance against two behind nginx (PostgreSQL + Redis); needs DATABASE_URL=postgres://…,
# Debian's wrk, redis-server and nginx, else it says what is missing and does nothing.
bench-multihost: install
	$(PY) benchmarks/multihost.py $(ARGS)

# Median of 5 default and largest runs of every simulation, with peak memory (ARGS="--only SLUG").
bench-sims: install
	$(PY) benchmarks/simulations.py $(ARGS)

# Regenerate the exact-version lock files from pyproject.toml's ranges.
lock: | $(PY)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --strip-extras -o requirements.txt pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --strip-extras --extra dev -o requirements-dev.txt pyproject.toml

# A dump of everything with natural keys; FILE=path to choose where (default: backups/…json.gz).
backup: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py backup_site $(FILE)

# Rebuild the site from a dump into an empty database (set DATABASE_URL for another one).
restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/....json.gz" >&2; exit 2)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py restore_site $(FILE)

clean-venv:
	rm -rf $(VENV)

# Extract every translatable string into the French catalogues (needs GNU gettext's xgettext
# and msgmerge: apt-get install gettext), then compile them with polib. The compiled .mo files
# are committed: `make run` and `make test` need neither step.
MESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=benchmarks --ignore=static/vendor --ignore=node_modules
messages: install-dev
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l fr --no-obsolete $(MESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -d djangojs -l fr --no-obsolete $(MESSAGES_IGNORE)
	DJANGO_DEBUG=1 $(PY) manage.py compile_catalogues

# The OpenAPI contract's committed copy (tests/api/test_docs_and_contract.py compares it with the
# generated schema): regenerate after a deliberate change, and list it in CHANGELOG.md.
api-schema:
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py spectacular --lang en --file docs/openapi-v1.yaml
