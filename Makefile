# One-Stop Academy — two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages WeasyPrint (PDF certificates) and the test tools need.
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
TEST_TOOLS := chromium poppler-utils zbar-tools
# axe-core for the accessibility tests (tests/browser/test_accessibility.py), pinned in tests/browser/package-lock.json.
AXE_STAMP := tests/browser/node_modules/.installed
# Test processes (pytest-xdist): one per CPU by default; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: run test ci install syslibs testtools migrate seed serve lint check messages messages-extract clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

syslibs:
	@missing=$$(for p in $(SYSTEM_LIBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "WeasyPrint needs system libraries. Run:  sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi

# npm ci when the lock file changed; without npm: installed from Debian as root, a failure with CI=true, else a hint.
$(AXE_STAMP): tests/browser/package.json tests/browser/package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian packages for the tests: nodejs npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi; \
	if command -v npm >/dev/null; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	elif [ "$$CI" = true ]; then \
	  echo "CI=true and npm is missing: the accessibility tests need axe-core (apt-get install -y nodejs npm)"; exit 1; \
	else \
	  echo "The accessibility tests need Node.js and npm: sudo apt-get install -y nodejs npm (skipped without them, except in CI)"; \
	fi

testtools: $(AXE_STAMP)
	@missing=$$(for p in $(TEST_TOOLS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages for the tests: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Browser and PDF tests need: sudo apt-get install -y $$missing (they are skipped without them, except in CI)"; \
	  fi; \
	fi

messages: install
	$(PY) manage.py compilemessages --ignore=.venv -v0

# Refresh locale/vi from the code and templates after adding strings; then translate every new entry in
# locale/vi/LC_MESSAGES/django.po and run `make messages`. people/locale (Wagtail's missing admin strings)
# is maintained with tools/wagtail_vi_missing.py, so it is left out here.
messages-extract: install
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=people/locale --ignore=staticfiles \
	  --ignore=media --ignore=private --ignore=artifacts --ignore=bench --ignore=tests --ignore=tools

migrate: install syslibs messages
	$(PY) manage.py migrate --noinput -v0

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@$(PY) manage.py demo_logins
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite on SQLite with eager Celery; tests marked "services" (PostgreSQL + Redis + a real worker) run in .ci/run.
test: install syslibs testtools messages
	@rc=0; $(VENV)/bin/pytest -m "not services" -n $(TEST_WORKERS) $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: that is a failure"; fi; exit $$rc

# Everything CI runs: make test, static checks, check --deploy, then the suite on PostgreSQL + Redis.
ci:
	.ci/run

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
