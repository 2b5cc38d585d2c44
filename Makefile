# The two commands a new machine needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the test suite needs (browser tests, PDF rendering and inspection, catalogues).
SYSTEM_PACKAGES := chromium libharfbuzz-subset0 poppler-utils gettext fonts-dejavu-core zbar-tools
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ocop
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# Parallel test processes (pytest-xdist): each has its own test database, Redis database and MEDIA_ROOT.
# A file's tests stay in one process (--dist loadfile), so a module's fixtures (the seeded demo) are built once.
TEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test install system-packages services lint format messages migrate demo clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when a requirements file changed.
$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: demo
	@echo ""
	@echo "  OCOP is starting at http://127.0.0.1:8000"
	@echo "  Demo accounts, all with the password 'ocop-demo':"
	@echo "    phongnn (district office)   thuky (secretariat)   chutich (council chair)"
	@echo "    hoidong1 ... hoidong6 (council members)   taichinh (finance)   admin (superuser)"
	@echo "    xa-<commune> for each commune, e.g. xa-thanh-lam, xa-truong-son, xa-yen-son"
	@echo ""
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Install the Debian packages the suite needs, when missing and when we are root.
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing (run as root or install them: apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

services: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python scripts/check_services.py $(TEST_DATABASE_URL) $(TEST_REDIS_URL)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh and compile the Vietnamese catalogue after changing user-facing strings.
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l vi --no-location --ignore=.venv --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages -l vi --ignore=.venv

test: install system-packages services lint
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_CELERY_BROKER_URL=$(TEST_REDIS_URL) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Back up the database and the uploaded files (same environment as the application: DATABASE_URL, MEDIA_ROOT).
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR))

# Restore a backup into a fresh, empty database (createdb --owner=ROLE first) and media directory, with the
# application's environment: see README, "Security settings, backups and restore".
# `DATABASE_URL=postgres://ROLE@.../ocop_new MEDIA_ROOT=/srv/ocop/media-new make restore BACKUP=var/backups/ocop-...`
# (BACKUP defaults to the newest backup in BACKUP_DIR).
restore: install
	$(BIN)/python manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) var/ocop.sqlite3
