# Improvement Network: `make run` serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)

.PHONY: run test lint assets install clean-db lock

# Exactly the versions in requirements.lock (made from pyproject.toml by `make lock`), then the
# project itself without looking for anything more.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

# Pin every dependency (and theirs) anew after changing pyproject.toml.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra test --extra prod --output-file requirements.lock pyproject.toml

install: $(STAMP)

# One machine, links in mail to http://127.0.0.1:5000 (deployments set PUBLIC_URL instead).
# The job consumer (alerts, emails, digests) runs in the background beside the site and is
# stopped when the server stops; in production it is its own process (README, Operations).
run: export NETWORK_ENV ?= development
run: $(STAMP)
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty --schools 40 --seed 1 --password improve-together
	@echo "Starting the job consumer (flask --app wsgi jobs) in the background; it stops with the site."
	@$(FLASK) jobs --workers 2 & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# SQLite always; PostgreSQL as well, side by side, when TEST_DATABASE_URL is set (.ci/suites).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	.ci/suites

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Rebuild static/css and static/js from static/src with govuk-frontend (needs npm).
assets:
	npm ci
	npm run build

clean-db:
	rm -f instance/network.db instance/network.db-wal instance/network.db-shm

# Search engines at national scale: Whoosh, tantivy and SQLite FTS5 (writes bench/out/search.json).
.PHONY: bench-search
bench-search: $(STAMP)
	$(BIN)/python bench/bench_search.py --records 100000

# Partner matching at national scale, in memory: top 10 for every one of 25,000 schools
# (writes bench/out/match.json).
.PHONY: bench-match
bench-match: $(STAMP)
	$(BIN)/python bench/bench_match.py --schools 25000 --seekers 25000

# The national network served by gunicorn (gunicorn.conf.py, 2 workers) and measured with wrk on
# SQLite and PostgreSQL beside a hello-world (writes bench/results.json; needs Debian's wrk and
# PostgreSQL at BENCH_PG, default postgresql://postgres@127.0.0.1:5432).
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/bench_web.py
