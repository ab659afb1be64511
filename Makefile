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

.PHONY: run test ci install syslibs testtools migrate seed serve lint check messages messages-extract clean load \
  guide-screenshots

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

# The trainer guide's images (docs/courses.md, "Hướng dẫn cho giảng viên"): run the browser test of the trainer's
# journey (CI=true: a missing Chromium fails instead of skipping), then copy the chosen screenshots from
# artifacts/screenshots/ to docs/img/trainer-guide/ (squeezed with pngquant when it is installed). Commit them.
GUIDE_IMAGES := trainer-guide-course-desktop trainer-guide-lesson-draft-desktop trainer-guide-submit-desktop \
  trainer-guide-review-desktop trainer-guide-review-diff-desktop trainer-guide-cloze-editor-desktop \
  trainer-guide-cloze-attempt-phone trainer-guide-results-desktop trainer-guide-results-phone
GUIDE_DIR := docs/img/trainer-guide

guide-screenshots: install testtools messages
	CI=true $(VENV)/bin/pytest tests/browser/test_trainer_journey.py -q -p no:randomly $(PYTEST_ARGS)
	@mkdir -p $(GUIDE_DIR)
	@for name in $(GUIDE_IMAGES); do \
	  src=artifacts/screenshots/$$name.png; dst=$(GUIDE_DIR)/$$name.png; \
	  test -f $$src || { echo "missing $$src"; exit 1; }; \
	  if command -v pngquant >/dev/null; then pngquant --force --quality 70-95 --output $$dst $$src; \
	  else cp $$src $$dst; fi; \
	done
	@total=$$(du -cb $(GUIDE_DIR)/*.png | tail -1 | cut -f1); echo "$(GUIDE_DIR): $$total bytes"; \
	if [ $$total -gt 1572864 ]; then echo "the guide's images exceed 1.5 MB: choose fewer"; exit 1; fi

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

# The exam-room load test (bench/README.md): its own PostgreSQL database lms_load, gunicorn + a Celery worker with
# production settings on loopback, OFFICERS officers for DURATION seconds; everything is stopped at the end.
# LOAD_ARGS passes options to bench/load/exam_room.py, e.g. the exam at 8:00:
#   make load OFFICERS=1000 DURATION=460 LOAD_ARGS="--window 300 --start-window 30"
OFFICERS ?= 20
DURATION ?= 30
LOAD_ARGS ?=
load: install messages
	$(PY) bench/load/run.py --officers $(OFFICERS) --duration $(DURATION) $(LOAD_ARGS)
