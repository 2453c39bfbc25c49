# The two set-up commands of the README:
#   make run   — install, build the graph from data/ and serve the web app on the embedded store
#   make test  — install everything the tests need (Python and Debian packages) and run the whole suite
# Everything runs in a project virtual environment (.venv, created with the system's python3 when
# missing), so it works where the system pip refuses to install (PEP 668, "externally-managed-environment").
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
PY := $(VENV)/bin/python

.PHONY: run install build serve test install-test lint bench clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): on Debian/Ubuntu install python3-venv (apt-get install python3-venv)" >&2; exit 1; }

install: $(PY)
	$(PY) -m pip install --quiet -e .

build: install
	$(PY) -m graph build

serve: install
	$(PY) -m graph serve --host $(HOST) --port $(PORT)

run: build serve

install-test:
	PYTHON=$(PYTHON) scripts/install-test-deps.sh  # Debian packages first: python3-venv among them if missing
	$(MAKE) --no-print-directory $(PY)
	$(PY) -m pip install --quiet -e '.[test]'

lint: install-test
	$(PY) -m ruff check .

test: install-test
	$(PY) -m ruff check .
	$(PY) -m pytest -q

bench: install
	$(PY) bench/bench_stores.py --triples 1000000
	$(PY) bench/bench_queries.py --documents 1000
	$(PY) bench/bench_web.py --synthetic 1000
	$(PY) bench/bench_readside.py --documents 1000

clean-venv:
	rm -rf $(VENV)
