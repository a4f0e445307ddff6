# Loket. `make run` starts the assistant; `make test` runs every test; `make check`
# is the quick inner loop (no model needed).
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BUILT := var/.built
MODEL := models/loket.tar.gz
PYTHON_VERSION := $(shell cat .python-version)

# What `loket build` reads, and what Rasa trains on. The language detector is built
# from the training data, the knowledge base and bot/language/ (its corpus, keywords
# and code), so all of them retrain the model.
KNOWLEDGE := $(shell find knowledge -name '*.yml')
BUILD_CODE := $(shell find bot/knowledge bot/entitlements bot/dialogue bot/tooling/rasa_files.py -name '*.py') \
              $(wildcard bot/i18n/locale/*.po)
TRAINING := $(shell find nlu_data data domain -name '*.yml') config.yml
# What makes the Rasa server fast sits beside the pipeline's components and changes no model.
RASA_SERVER_CODE := $(addprefix bot/rasa_adapters/,speedups.py prior_states.py session_cache.py \
                      action_payload.py recent.py sqlite_tuning.py action_server.py evaluation.py)
LANGUAGE_CODE := $(filter-out $(RASA_SERVER_CODE),$(shell find bot/language bot/rasa_adapters -type f -not -name '*.pyc'))
# The directory router (bot/rasa_adapters/directory_router.py) stores the knowledge base
# and routes with this code, so it retrains the model too.
ROUTING_CODE := bot/dialogue/routing.py bot/knowledge/directory.py bot/knowledge/lookup.py
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider

export PATH := $(CURDIR)/$(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
# Rasa caches trained components by the fingerprint of their inputs; one cache for every
# checkout on this machine, so a fresh clone retrains only what differs.
export RASA_CACHE_DIRECTORY ?= $(HOME)/.cache/loket/rasa-cache

.PHONY: run test check train chat lint build validate clean bench report browser audit scale test-scale

# Python 3.10 from pyenv (selected by .python-version); Rasa 3.6 needs <3.11.
$(INSTALLED): pyproject.toml constraints.txt
	@test -x $(BIN)/python || { \
	  py=$$(command -v python$(basename $(PYTHON_VERSION)) || echo "$$HOME/.pyenv/versions/$(PYTHON_VERSION)/bin/python3"); \
	  echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

$(BUILT): $(INSTALLED) $(KNOWLEDGE) $(BUILD_CODE)
	$(BIN)/loket build
	@touch $@

# Rasa trains only when the training data, domain, config or language code changed.
$(MODEL): $(BUILT) $(TRAINING) $(LANGUAGE_CODE) $(ROUTING_CODE)
	@mkdir -p var/log
	@echo "training the model (about 8 minutes on 2 cores; log in var/log/train.log) ..."
	@$(BIN)/rasa train --data nlu_data data --domain domain --config config.yml \
	  --out models --fixed-model-name loket > var/log/train.log 2>&1 \
	  || { tail -40 var/log/train.log; exit 1; }
	@touch $@

build: $(BUILT)
train: $(MODEL)

validate: $(INSTALLED)
	$(BIN)/loket validate

run: $(MODEL)
	$(BIN)/loket serve

chat: $(MODEL)
	$(BIN)/loket chat

# Style, and the layer contracts in .importlinter (the domain imports no Rasa, ...).
lint: $(INSTALLED)
	$(BIN)/ruff check bot actions tests benchmarks
	$(BIN)/lint-imports --config .importlinter

# The quick inner loop: lint, knowledge checks and every test that needs no model,
# no server and no browser (well under 90 seconds).
check: lint $(BUILT)
	$(BIN)/loket validate
	$(BIN)/loket build --check
	$(PYTEST) -m "not slow and not e2e and not widget and not telegram and not postgres and not scale"

# Debian's Chromium for the widget tests (Playwright never downloads a browser).
browser:
	@bash scripts/install-browser

# Everything: lint, knowledge and data checks, unit tests, Rasa's own checks and the
# end-to-end tests against the real servers. Writes nothing that git tracks: reports
# come from `make report` and `make bench`. Exit code 5 (no tests collected) is
# reported as a failure of its own.
test: $(MODEL) lint browser
	$(BIN)/loket validate
	$(BIN)/loket build --check
	$(PYTEST) -m "not scale"; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

# Evaluation reports in reports/: intent F1 per language, language detection,
# redaction (recall on the sealed half, false positives), and the widget's screenshots
# and first-load size.
report: $(MODEL) browser
	$(PYTEST) --reports=reports tests/test_understanding.py tests/unit/test_redaction.py tests/redaction \
	  tests/e2e/test_widget.py tests/e2e/test_resident_tasks.py

# Rasa's production stack on this machine, at one address (LOKET_PORT): PostgreSQL,
# Redis and nginx from Debian's packages (installed when missing, run as the project's
# own processes, data in var/), LOKET_REPLICAS Rasa servers (2) with their action
# servers, and the Telegram adapter when a token is set. Ctrl-C stops it all.
scale: $(MODEL)
	$(BIN)/loket scale

# The stack under load (40 conversations for a minute, REST and widget) and faults (a
# replica killed, PostgreSQL restarted, the action servers killed); reports/scale.md.
test-scale: $(MODEL)
	$(PYTEST) -m scale --reports=reports tests/scale; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

# Loket against the stock `rasa init` bot, side by side (reports/benchmark.md), and the
# time per turn on each channel (reports/channels_benchmark.md).
bench: $(MODEL)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/channels.py

# Known vulnerabilities in the pins, assessed in scripts/audit-assessment.yml
# (reports/security.md), and a CycloneDX SBOM of .venv (reports/sbom.cdx.json).
# Exit 1: a vulnerability without an assessment; 2: no vulnerability source reached.
audit: $(INSTALLED)
	bash scripts/audit

clean:
	bash scripts/postgres stop || true
	rm -rf var models .pytest_cache
