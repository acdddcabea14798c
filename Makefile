# Two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv, install the project, and (when DATABASE_URL is unset)
# run against a private PostgreSQL cluster under .data/ that scripts/devdb.py
# starts and stops.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEVDB := $(PY) scripts/devdb.py --
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help demo test check fmt manage serve-demo clean-db totp bench

help:
	@echo "make demo   - set everything up and serve the demo on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite against a real PostgreSQL"
	@echo "make check  - ruff lint and format check, Django system checks"
	@echo "make fmt    - format and fix what ruff can"
	@echo "make manage CMD='createsuperuser' - any manage.py command with the database up"
	@echo "make bench SCALE=S - serve as in production and measure every page (bench/README.md)"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(VENV)/.installed
	@$(DEVDB) $(MAKE) --no-print-directory serve-demo

# Runs inside devdb.py, with DATABASE_URL set. Links in emails (sent by the worker, which has
# no request to read an address from) and calendar files point at the address served here,
# unless SITE_URL says otherwise (0.0.0.0 listens everywhere: links name this machine).
serve-demo: export SITE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
serve-demo:
	$(PY) manage.py createcachetable
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT) with the background worker and scheduler (Ctrl-C stops all)"
	$(PY) scripts/together.py \
		"$(PY) manage.py runserver --skip-checks $(HOST):$(PORT)" \
		"$(PY) manage.py db_worker --no-reload --interval 2" \
		"$(PY) manage.py run_scheduler"

# Programs some tests run with Node.js, each pinned in its own package.json: the real
# OpenID provider of the organisation sign-in tests (tests/oidc_provider), the W3C Nu HTML
# checker of the every-page browser test (tests/browser/vnu, npm vnu-jar, run by Java: sudo
# apt install default-jre-headless) and ical.js, which reads our calendars back
# (tests/readers). Without npm those tests skip, or fail under CI.
NODE_TOOLS := tests/oidc_provider tests/browser/vnu tests/readers
NODE_INSTALLED := $(addsuffix /node_modules/.installed,$(NODE_TOOLS))
%/node_modules/.installed: %/package.json %/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $* && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "npm not found: tests in $* need Node.js (sudo apt install nodejs npm)"; \
	fi

test: $(VENV)/.installed $(NODE_INSTALLED)
	@$(DEVDB) $(PY) -m pytest $(PYTEST_ARGS)

check: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@$(DEVDB) $(PY) manage.py check

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

manage: $(VENV)/.installed
	@$(DEVDB) $(PY) manage.py $(CMD)

# Serve the site as in production and measure its pages into bench/RESULTS.md
# (bench/README.md). SCALE=S|M, or demo; BENCH_ARGS="--pages directory --seconds 5".
SCALE ?= S
bench: $(VENV)/.installed
	@$(DEVDB) $(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

# The current code for the demo accounts' shared two-factor secret (see README).
totp: $(VENV)/.installed
	@$(PY) scripts/demo_totp.py

clean-db:
	rm -rf .data
