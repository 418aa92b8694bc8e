# Samen — `make run` sets everything up and serves; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run setup install test test-fast lint typecheck bench vendor messages translations demo worker clean

run: setup
	@echo "Serving Samen on http://127.0.0.1:8000 (Ctrl-C to stop)"
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

# Everything `run` does except serving. Safe to repeat.
setup: install translations
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) load_framework
	DEBUG=1 $(MANAGE) demo --print-logins

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

translations: install
	DEBUG=1 $(MANAGE) compile_translations

# Re-extract messages after changing text in code or templates (needs GNU gettext's xgettext). Dutch must be
# complete; French and Spanish at least for the public speak-up and join pages (their tests say what is missing).
messages: install
	DEBUG=1 $(MANAGE) makemessages --locale nl --locale fr --locale es --no-obsolete --no-location \
	  --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'static/*' --ignore 'staticfiles/*' \
	  --ignore 'tests/*' --ignore 'bench/*' --ignore 'docs/*'
	DEBUG=1 $(MANAGE) compile_translations

# The whole suite, browser tests included (Debian's chromium; `.ci/run` makes a missing browser fail).
# Extra pytest arguments: make test ARGS="-k login -x"
test: install translations
	DEBUG=1 $(VENV)/bin/pytest -n 2 --dist loadgroup $(ARGS)

# The suite without the browser tests: quicker while working on one view.
test-fast: install translations
	DEBUG=1 $(VENV)/bin/pytest -n 2 --dist loadgroup -m "not browser" $(ARGS)

# The demo organisations and logins (already part of setup); prints the logins.
demo: install
	DEBUG=1 $(MANAGE) demo --print-logins

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	DEBUG=1 $(VENV)/bin/mypy .

# Each script builds its own throwaway database (see bench/run.py) and prints its figures; results go to
# bench/results/. What they measure and how to read them: docs/benchmarks.md.
bench: install translations
	DEBUG=1 $(PY) bench/run.py $(ARGS)
	DEBUG=1 $(PY) bench/cases.py
	DEBUG=1 $(PY) bench/dilemmas.py
	DEBUG=1 $(PY) bench/dialogue.py
	DEBUG=1 $(PY) bench/ecosystem_import.py
	DEBUG=1 $(PY) bench/ecosystem_map.py
	DEBUG=1 $(PY) bench/ecosystem_map.py --postgres
	DEBUG=1 $(PY) bench/ecosystem_browser.py
	DEBUG=1 $(PY) bench/api.py
	DEBUG=1 $(PY) bench/insights.py
	DEBUG=1 $(PY) bench/throughput.py
	DEBUG=1 $(PY) bench/load.py
	DEBUG=1 $(PY) bench/load.py --faults
	DEBUG=1 $(PY) bench/pages.py --reuse bench/results/scale
	DEBUG=1 $(PY) bench/pages.py --reuse bench/results/scale --postgres

# Runs queued background work (email). Only useful when the app queues in the database too:
# TASKS_BACKEND=django_tasks_db.DatabaseBackend make run   (and, in another terminal) make worker
worker: install
	DEBUG=$${DEBUG:-1} TASKS_BACKEND=$${TASKS_BACKEND:-django_tasks_db.DatabaseBackend} $(MANAGE) db_worker

# Copy the pinned front-end packages into static/vendor/ (needs npm; the result is committed).
vendor:
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p static/vendor/htmx static/vendor/axe-core static/vendor/cytoscape
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE static/vendor/axe-core/
	cp node_modules/cytoscape/dist/cytoscape.min.js node_modules/cytoscape/LICENSE static/vendor/cytoscape/

clean:
	rm -rf $(VENV) samen.sqlite3 samen.sqlite3-* staticfiles
