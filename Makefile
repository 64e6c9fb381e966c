# The two commands a new user runs: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
COLLECTIONS := $(CURDIR)/.build/collections
SANITY_ROOT := $(CURDIR)/.build/sanity/ansible_collections/secops/mobile_security
# ansible-test caches its venvs and bootstrap script under HOME; keep them inside .build.
SANITY_HOME := $(CURDIR)/.build/sanity-home
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PATH := $(BIN):$(PATH)

SIM_DB ?= $(CURDIR)/.simulator.db
SIM_PORT ?= 8787
SIM_TENANTS ?= 0
SIM_TENANT ?=
# With SIM_TENANTS=N, every tenant's connection as an inventory (host vars), rewritten at each start.
SIM_INVENTORY ?= $(SIM_DB).tenants.yml

.PHONY: changelog-release sim sim-env sim-set-device shell sim-reset release-check docs docs-check test-matrix help venv demo test sanity unit integration reliability-short reliability lint perf clean collection-link browser browser-setup test-collections-setup

help:
	@echo "make demo   - set up .venv, start the simulator, run the example playbooks, show what changed"
	@echo "make test   - sanity, unit, integration and ansible-lint; non-zero exit on any failure"
	@echo "make sim    - run the API simulator on port 8787 with devices, alerts and audits (make sim-reset: empty it)"
	@echo "make sim-set-device EMAIL=ana.0@example.com RISK=3 - give a simulated user's devices a risk (or STATUS=1)"
	@echo "make shell  - a shell with .venv active and this clone's collection on the collections path (. ./dev-env.sh)"
	@echo "make perf   - benchmarks against the simulator, local and WAN profile (prints figures beside floors)"
	@echo "make test-collections-setup - community.general for the mail tests only, into .build/test-collections"
	@echo "make browser - the fleet report page and index in headless Chromium: charts, axe-core, print, dark mode"
	@echo "make reliability - the full fault, interruption, bad-input and secrets suite (make test runs a short one)"

$(STAMP): requirements.txt requirements-dev.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(STAMP)

collection-link: venv
	@$(BIN)/python -c "import sys; sys.path.insert(0, '.'); from tests.support import ensure_collection_link; ensure_collection_link()"

# Credentials are generated once per state file (SIM_DB.credentials.json): two simulators never share them.
# SIM_TENANTS=N serves N more tenants (t01...) at http://127.0.0.1:SIM_PORT/tenants/<name> and writes their
# inventory (SIM_INVENTORY): ansible-playbook -i .simulator.db.tenants.yml playbooks/weekly_fleet_report.yml
#   -e fleet_report_hosts=tenants
sim: collection-link
	$(BIN)/python -m tests.simulator --port $(SIM_PORT) --db $(SIM_DB) --seed-devices 120 --seed-alerts 200 \
	  --seed-audits 50 --print-env --generate-credentials --tenants $(SIM_TENANTS) \
	  $(if $(filter-out 0,$(SIM_TENANTS)),--tenant-inventory $(SIM_INVENTORY))

# The exports that point a shell at `make sim` (same SIM_PORT and SIM_DB): eval "$$(make -s sim-env)";
# SIM_TENANT=t03 for one of the extra tenants.
sim-env:
	@$(BIN)/python -c "import sys; sys.path.insert(0, '.'); from tests.simulator.server import sim_env; \
	  print(sim_env('http://127.0.0.1:$(SIM_PORT)', '$(SIM_DB)', '$(SIM_TENANT)'), end='')"

# A shell with .venv active and this clone's collection on the collections path (what dev-env.sh sets up).
shell: collection-link
	@bash --rcfile <(printf '%s\n' '[ -f ~/.bashrc ] && . ~/.bashrc' '. ./dev-env.sh' 'PS1="(mobile_security) $$PS1"') -i

# Give a simulated user's devices a risk and/or status (the dry run of isolate_risky_devices.yml needs a target):
#   make sim-set-device EMAIL=ana.0@example.com RISK=3 [STATUS=1] [SIM_TENANT=t02]
sim-set-device: venv
	@$(BIN)/python -c "import json, sys, requests; \
	  body = {'email': sys.argv[1]}; body.update((k, int(v)) for k, v in (('risk', sys.argv[2]), ('status', sys.argv[3])) if v); \
	  r = requests.post('http://127.0.0.1:$(SIM_PORT)/_sim/devices', json=body, timeout=30, \
	                    params={'tenant': sys.argv[4]} if sys.argv[4] else None); \
	  print(r.status_code, json.dumps(r.json())[:300]); sys.exit(r.status_code != 200)" \
	  "$(EMAIL)" "$(RISK)" "$(STATUS)" "$(SIM_TENANT)"

sim-reset:
	rm -f $(SIM_DB) $(SIM_DB)-wal $(SIM_DB)-shm $(basename $(SIM_DB))-t*

demo: collection-link
	$(BIN)/python -m tests.demo

test: sanity unit integration reliability-short release-check lint docs-check browser
	@echo "make test: all checks passed"

sanity: venv
	rm -rf .build/sanity
	mkdir -p $(SANITY_ROOT)
	git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} $(SANITY_ROOT)/ 2>/dev/null || \
	  (git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$$f" ] && cp --parents "$$f" $(SANITY_ROOT)/; done)
	mkdir -p $(SANITY_HOME)/.ansible/test/cache
	cp tests/sanity/get_pip_offline.py $(SANITY_HOME)/.ansible/test/cache/get_pip_$$($(BIN)/python -c \
	  "import re, ansible_test._internal.python_requirements as m; \
	  print(re.search(r\"pip='([0-9.]+)'\", open(m.__file__).read()).group(1).replace('.', '_'))").py
	cd $(SANITY_ROOT) && git init -q && git add -A && \
	  HOME=$(SANITY_HOME) PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python 3.11 --color no \
	    $(SANITY_ARGS)

unit: collection-link
	$(BIN)/python -m pytest -q tests/unit

integration: collection-link test-collections-setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile tests/integration

reliability-short: collection-link
	RELIABILITY_PROFILE=short $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability

reliability: collection-link
	RELIABILITY_PROFILE=full $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability

lint: collection-link
	$(BIN)/ansible-lint --profile production --offline

release-check: collection-link
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/release

# Add the changelog fragments to galaxy.yml's release (again: a fragment committed after the release is added to it,
# the release keeps its date). Needs every plugin's documentation to parse (antsibull-changelog reads ansible-doc).
changelog-release: collection-link
	$(BIN)/antsibull-changelog release --version $$(sed -n 's/^version: *//p' galaxy.yml)

docs: collection-link
	$(BIN)/python -m tests.docsgen

docs-check: collection-link
	$(BIN)/python -m tests.docsgen --check
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(COLLECTIONS)/ansible_collections/secops/mobile_security

test-matrix: collection-link
	$(BIN)/python tests/matrix.py

# What the page checks (tests/browser) run on: Debian's Chromium, pdftotext (poppler-utils) for the printed copy,
# and axe-core from the npm registry, pinned, into .build/browser (nothing is fetched while the tests run). We run
# as root, so apt-get works without sudo. A piece that cannot be installed is reported and its checks skip.
AXE_CORE_VERSION := 4.14.1
AXE_CORE_DIR := $(CURDIR)/.build/browser
browser-setup:
	@[ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftotext ] || apt-get install -y --no-install-recommends chromium \
	  poppler-utils || (apt-get update && apt-get install -y --no-install-recommends chromium poppler-utils) || \
	  echo "browser-setup: could not install chromium and poppler-utils; the browser checks will skip" >&2
	@grep -qs '"version": "$(AXE_CORE_VERSION)"' $(AXE_CORE_DIR)/node_modules/axe-core/package.json || \
	  ( ( command -v npm >/dev/null || apt-get install -y --no-install-recommends npm ) && mkdir -p $(AXE_CORE_DIR) && \
	    npm install --silent --no-audit --no-fund --no-save --prefix $(AXE_CORE_DIR) axe-core@$(AXE_CORE_VERSION) ) || \
	  echo "browser-setup: could not install axe-core $(AXE_CORE_VERSION) with npm; the accessibility check will skip" >&2

# community.general for the tests only (the fleet report's mail, tests/integration/test_fleet_report_mail.py): it is
# optional for users (not in requirements.txt nor galaxy.yml). The Ansible package pinned for ansible-core 2.19
# ships it; its wheel (about 50 MB) is downloaded once into .build/wheels and only
# ansible_collections/community/general is unpacked into .build/test-collections. Where it cannot be fetched, the
# mail tests skip and say so.
ANSIBLE_PACKAGE_VERSION := 12.3.0
TEST_COLLECTIONS_DIR := $(CURDIR)/.build/test-collections
test-collections-setup: venv
	@[ -f $(TEST_COLLECTIONS_DIR)/ansible_collections/community/general/plugins/modules/mail.py ] || \
	  ( ( [ -f .build/wheels/ansible-$(ANSIBLE_PACKAGE_VERSION)-py3-none-any.whl ] || $(BIN)/pip download --quiet \
	      --no-deps --dest .build/wheels ansible==$(ANSIBLE_PACKAGE_VERSION) ) && \
	    $(BIN)/python -c 'import sys, zipfile; w = zipfile.ZipFile(sys.argv[1]); \
	      w.extractall(sys.argv[2], [n for n in w.namelist() if n.startswith("ansible_collections/community/general/")])' \
	      .build/wheels/ansible-$(ANSIBLE_PACKAGE_VERSION)-py3-none-any.whl $(TEST_COLLECTIONS_DIR) ) || \
	  echo "test-collections-setup: could not fetch ansible $(ANSIBLE_PACKAGE_VERSION) for community.general;" \
	    "the mail tests will skip" >&2

# The fleet report page and the index in headless Chromium: 20,000 devices, charts drawn, load time, weight,
# screenshot (FLEET_REPORT_SCREENSHOT=1 keeps it as docs/images/fleet-report.png); axe-core, print to PDF, dark mode.
browser: collection-link browser-setup
	$(BIN)/python -m pytest -q -s tests/browser

perf: collection-link
	$(BIN)/python -m tests.perf.bench_enrolment
	$(BIN)/python -m tests.perf.bench_wan
	$(BIN)/python -m tests.perf.bench_fleet_report

clean:
	rm -rf .build $(VENV) .pytest_cache
