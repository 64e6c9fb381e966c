# The two commands a new user runs: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
COLLECTIONS := $(CURDIR)/.build/collections
SANITY_ROOT := $(CURDIR)/.build/sanity/ansible_collections/secops/mobile_security
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv demo test sanity unit integration lint perf reliability clean collection-link

help:
	@echo "make demo   - set up .venv, start the simulator, run the example playbooks, show what changed"
	@echo "make test   - sanity, unit, integration and ansible-lint; non-zero exit on any failure"
	@echo "make perf   - benchmarks against the simulator (prints figures)"

$(STAMP): requirements.txt requirements-dev.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(STAMP)

collection-link: venv
	@$(BIN)/python -c "import sys; sys.path.insert(0, '.'); from tests.support import ensure_collection_link; ensure_collection_link()"

demo: collection-link
	$(BIN)/python -m tests.demo

test: sanity unit integration lint
	@echo "make test: all checks passed"

sanity: venv
	rm -rf .build/sanity
	mkdir -p $(SANITY_ROOT)
	git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} $(SANITY_ROOT)/ 2>/dev/null || \
	  (git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$$f" ] && cp --parents "$$f" $(SANITY_ROOT)/; done)
	cd $(SANITY_ROOT) && git init -q && git add -A && \
	  PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python 3.11 --color no \
	    --exclude tests/simulator/ --exclude tests/perf/ --exclude tests/reliability/

unit: collection-link
	$(BIN)/python -m pytest -q tests/unit

integration: collection-link
	$(BIN)/python -m pytest -q tests/integration

lint: collection-link
	$(BIN)/ansible-lint --profile production --offline

perf: collection-link
	$(BIN)/python -m tests.perf.bench_enrolment

clean:
	rm -rf .build $(VENV) .pytest_cache
