# One task runner: `make run`, `make test`, `make lint`, `make bench`. Each target keeps .venv up to date.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export CHROMA_ANONYMIZED_TELEMETRY := False

.PHONY: install run test lint bench browser system clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,llm]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/credpath serve

# Debian's packages the tests start themselves: chromium for the browser tests (Playwright drives it; never
# `playwright install`) and PostgreSQL for the shared-drafts test.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

system: browser
	@test -x /usr/lib/postgresql/15/bin/initdb || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

test: $(STAMP) system
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check graph ingest recommender ui tests bench
	$(BIN)/ruff format --check graph ingest recommender ui tests bench
	$(BIN)/mypy graph ingest recommender ui

bench: $(STAMP)
	$(BIN)/python bench/plan_bench.py --readme README.md
	$(BIN)/python bench/ingest_bench.py --readme README.md
	$(BIN)/python bench/gaps_bench.py --readme README.md
	$(BIN)/python bench/goal_bench.py --readme README.md
	$(BIN)/python bench/llm_bench.py --readme README.md
	$(BIN)/python bench/load_bench.py --readme README.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
