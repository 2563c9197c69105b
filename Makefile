# Anti-loan-fraud assistant: `make run` starts everything, `make test` runs every test.
# Python: pyenv selects 3.10.13 through .python-version; override with `make PYTHON=/path/to/python3.10`.
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.10 || echo python3.10)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install system-deps kb train validate lint unit test-stories nlu-gate browser-tests \
        test run shell actions bench bench-conversation clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

# --- set-up --------------------------------------------------------------------------
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Python 3.10 is required, got " + sys.version' \
	  || { echo "Set PYTHON=/path/to/python3.10 (pyenv reads .python-version)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.0" "setuptools==69.5.1" "wheel==0.45.1"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps "sanic-testing==22.3.1"  # its httpx<0.24 pin is stale; works with 0.27
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install pinned dependencies (and the scam-check command)

system-deps:  ## Debian packages for browser tests (chromium), installed once
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) >/dev/null; }

kb: $(STAMP)  ## build the SQLite knowledge base from knowledge/*.yaml (only when it changed)
	$(BIN)/python -m scamcheck.build

train: $(STAMP)  ## train the Rasa model only if data, domain or config changed
	$(BIN)/python scripts/train_if_changed.py

validate: $(STAMP)  ## rasa data validate --fail-on-warnings
	$(BIN)/rasa data validate --domain domain --fail-on-warnings

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check scamcheck actions channels nlu_components webchat scripts tests reports privacy tooling stores

# --- tests ---------------------------------------------------------------------------
unit: kb  ## pytest (unit, action, channel, knowledge-base, CLI tests)
	$(BIN)/python -m pytest -q -m "not browser and not servers"

test-stories: train  ## conversation tests with --fail-on-prediction-errors
	$(BIN)/python scripts/test_stories.py

nlu-gate: train  ## held-out NLU files: intent macro-F1 >= 0.90 per language
	$(BIN)/python scripts/nlu_gate.py

browser-tests: system-deps scale-deps train  ## real servers (scale-out included) + Playwright in Chromium
	$(BIN)/python -m pytest -q -m "browser or servers"

test: install lint validate unit test-stories nlu-gate browser-tests  ## every test, from a clean clone

# --- running -------------------------------------------------------------------------
run: train  ## action server :5055, Rasa :5005, web chat :8080 (Ctrl-C stops all)
	$(BIN)/python scripts/run_all.py

shell: train  ## talk to the bot on the command line (starts the action server too)
	$(BIN)/python scripts/run_all.py --shell

bench: kb  ## checker benchmark: licensed set, and the dev set named by CHECKER_DEV_SET
	$(BIN)/python scripts/bench_checker.py

bench-conversation: kb train  ## this bot and a `rasa init` reference bot, 20 users x 10 turns, side by side
	$(BIN)/python scripts/bench_conversation.py --compare

conversations: train  ## realistic conversation corpus over REST: dev and held-out figures (not a test)
	$(BIN)/python scripts/run_conversations.py tests/conversations/dev --min-pass 0 --serve
	$(BIN)/python scripts/run_conversations.py tests/conversations/heldout --min-pass 0 --serve

reports-purge: $(STAMP)  ## delete reports older than REPORTS_RETENTION_DAYS (default 365)
	$(BIN)/python -m reports purge

clean:  ## remove built artefacts (keeps .venv)
	rm -rf build models results .rasa test-artifacts

# --- scale-out ---
# PostgreSQL + Redis + nginx + REPLICAS `rasa run` replicas + ACTIONS action servers, on 127.0.0.1
# (ports in docs/scaling.md); data and logs in build/scale/.
.PHONY: scale-deps scale scale-test bench-scale
REPLICAS ?= 2
ACTIONS  ?= 2

scale-deps: $(STAMP)  ## PostgreSQL, Redis and nginx from Debian packages (apt-get install -y), once
	$(BIN)/python scripts/scale.py deps

scale: scale-deps kb train  ## scale-out deployment: nginx :8000 -> REPLICAS replicas, PostgreSQL, Redis
	$(BIN)/python scripts/scale.py up --replicas $(REPLICAS) --actions $(ACTIONS)

scale-test: scale-deps kb train  ## 100 conversations over 2 replicas, one killed; locks, WeChat retries
	$(BIN)/python -m pytest -q -s -rs tests/scale

bench-scale: scale-deps kb train  ## throughput and p95 through nginx for 1, 2, 3 replicas; memory
	$(BIN)/python scripts/bench_scale.py
