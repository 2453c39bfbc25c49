# The two set-up commands of the README:
#   make run   — install, build the graph from data/ and serve the web app on the embedded store
#   make test  — install everything the tests need (Python and Debian packages) and run the whole suite
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run install build serve test install-test lint bench

install:
	$(PYTHON) -m pip install --quiet -e .

run: install
	policykg build
	policykg serve --host $(HOST) --port $(PORT)

install-test:
	scripts/install-test-deps.sh
	$(PYTHON) -m pip install --quiet -e '.[test]'

test: install-test
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest -q

bench: install
	$(PYTHON) bench/bench_stores.py --triples 1000000
	$(PYTHON) bench/bench_queries.py --documents 1000
	$(PYTHON) bench/bench_web.py --synthetic 1000
	$(PYTHON) bench/bench_readside.py --documents 1000
