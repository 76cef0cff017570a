# The two commands: `make serve` and `make test`. Both set everything up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
# Test worker processes: most tests wait on server processes, so two workers on two cores take
# about two thirds of the time of one. A module's tests stay in one worker (`--dist loadfile`):
# they share the module's cluster.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

.PHONY: install azurite browser serve test lint unit integration bench soak clean

install: $(STAMP) azurite

# Azure Blob Storage's stand-in for the backend tests (npm; a no-op once installed).
azurite:
	scripts/install-azurite.sh

# --no-compile: no bytecode for every installed file up front (torch alone has thousands); Python
# compiles each module the first time it is imported. The set-up took 2 min 12 s with it, 1 min 20 s without.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-compile --upgrade pip
	# torch alone first, with the dev extra's pin: the CPU build this machine keeps on disk. Resolved
	# together with everything else, pip can settle on the index's CUDA build of the same version
	# (15 nvidia packages, a 5.6 GB venv); once installed, the full resolve keeps it.
	$(BIN)/pip install --quiet --no-compile 'torch==2.13.0'
	$(BIN)/pip install --quiet --no-compile -e '.[server,cli,pytorch,fsspec,dev]'
	touch $(STAMP)

# Debian's chromium for the dashboard's browser test (skipped by that test where it cannot be installed).
browser:
	bash scripts/ensure_chromium.sh

serve: install
	$(BIN)/pyaistore serve $(ARGS)

lint: install
	$(BIN)/ruff check pyaistore tests benchmarks
	$(BIN)/ruff format --check pyaistore tests benchmarks
	$(BIN)/mypy pyaistore tests
	$(BIN)/lint-imports

test: lint browser
	$(PYTEST) tests

unit: install
	$(PYTEST) tests/unit

integration: install browser
	$(PYTEST) tests/integration

# Long variants of the hostile-input tests, not run by `make test`: a five-minute soak under
# 16-way GET/PUT with hostile traffic, and the route property test with many more examples.
soak: install
	PYAISTORE_SOAK_SECONDS=$${PYAISTORE_SOAK_SECONDS:-300} PYAISTORE_FUZZ_EXAMPLES=$${PYAISTORE_FUZZ_EXAMPLES:-20000} \
		$(BIN)/pytest -q -s tests/integration/hostile/test_hostile_soak.py tests/integration/hostile/test_hostile_routes.py

bench: install
	$(BIN)/python benchmarks/bench_http.py

clean:
	rm -rf $(VENV) .azurite build *.egg-info .mypy_cache .ruff_cache .pytest_cache
