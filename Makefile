# Loket. `make run` starts the assistant; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BUILT := var/.built
MODEL := models/loket.tar.gz
PYTHON_VERSION := $(shell cat .python-version)

KNOWLEDGE := $(shell find knowledge -name '*.yml')
TRAINING := $(shell find nlu_data data -name '*.yml') domain.yml config.yml
LANGUAGE_CODE := bot/language.py bot/language_keywords.yml bot/nlu_language.py bot/nlu_entities.py bot/entities.py bot/text.py

export PATH := $(CURDIR)/$(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test train chat lint build validate clean bench

# Python 3.10 from pyenv (selected by .python-version); Rasa 3.6 needs <3.11.
$(INSTALLED): pyproject.toml constraints.txt
	@test -x $(BIN)/python || { \
	  py=$$(command -v python$(basename $(PYTHON_VERSION)) || echo "$$HOME/.pyenv/versions/$(PYTHON_VERSION)/bin/python3"); \
	  echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

$(BUILT): $(INSTALLED) $(KNOWLEDGE) $(wildcard bot/knowledge/*.py) bot/dialogue.py
	$(BIN)/loket build
	@touch $@

# Rasa trains only when the training data, domain, config or language code changed.
$(MODEL): $(BUILT) $(TRAINING) $(LANGUAGE_CODE)
	@mkdir -p var/log
	@echo "training the model (about 8 minutes on 2 cores; log in var/log/train.log) ..."
	@$(BIN)/rasa train --data nlu_data data --domain domain.yml --config config.yml \
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

lint: $(INSTALLED)
	$(BIN)/ruff check bot actions tests benchmarks

# Everything: lint, knowledge and data checks, unit tests, Rasa's own checks and the
# end-to-end tests against the real servers. Exit code 5 (no tests collected) is
# reported as a failure of its own.
test: $(MODEL) lint
	$(BIN)/loket validate
	$(BIN)/loket build --check
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

# Time per turn on each channel, side by side: reports/channels_benchmark.md
bench: $(MODEL)
	$(BIN)/python benchmarks/channels.py

clean:
	rm -rf var models .pytest_cache
