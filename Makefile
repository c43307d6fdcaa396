# Kulturportal: the few commands people need. `make run` and `make test` set up everything.
PYTHON ?= python3
TOOLS := var/tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
MANAGE := $(UV) run --frozen python manage.py

.PHONY: run install test test-fast lint format check-migrations messages clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo
	$(MANAGE) rebuild_search_index
	@echo "E-mail is printed here and kept as .eml files in var/mail/."
	@echo "Kulturportalen: http://127.0.0.1:8000/"
	PDF_RENDER_IN_THREAD=true $(MANAGE) runserver 127.0.0.1:8000

# The browser journeys and the integration tests, which start servers and workers of their
# own, one at a time; then the unit tests on both cores.
test: install node_modules/.package-lock.json
	$(UV) run --frozen pytest -m "browser or integration"
	$(UV) run --frozen pytest -n 2 -m "not browser and not integration"

# axe-core and vnu-jar for the browser tests; npm ci again whenever package-lock.json changes.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the system's serves.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(UV) run --frozen mypy

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

check-migrations: install
	$(MANAGE) makemigrations --check --dry-run

messages: install
	$(MANAGE) makemessages -l en --no-obsolete -i ".venv/*" -i "var/*"
	$(MANAGE) compilemessages -l en

clean:
	rm -rf var/db.sqlite3 var/mail var/static

# Load test against this machine's PostgreSQL and Redis: writes bench/report.md and report.png.
.PHONY: bench
bench: $(UV)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(UV) run --frozen --group bench python bench/run.py
