# Artificien infrastructure. `make help` lists the targets.
# Everything runs from the repo's own virtualenv, created on first use.
SHELL      := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ENV        ?= local
COMPONENT  ?=
PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
CLI        := $(BIN)/artificien-infra
CHECKOV_VERSION := 3.3.30
UV_VERSION := 0.13.9
UV         := $(BIN)/uv
CHECKOV_VENV    := .tools/checkov
STAMP      := $(VENV)/.installed
COMPONENT_FLAG := $(if $(COMPONENT),--component $(COMPONENT),)

.PHONY: help setup package plan apply destroy outputs drift preflight rehearse docs check lint test \
        test-static test-unit test-integration test-rehearse bench local-up local-down local-status clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[1m%-17s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: ENV=local|dev|staging|prod (default local)  COMPONENT=<module> (plan/apply one component)"

# uv installs both virtualenvs: the same releases pip resolves, in less time (fresh clone, both
# side by side: 58 s with pip -> 35 s). pip installs uv itself.
# Bytecode is compiled as a module is first imported and kept in its __pycache__, so only what
# runs is compiled, once. Compiling every file at install (uv's --compile-bytecode) cost 47 s of
# CPU on a fresh clone, most of it for packages nothing imports (sympy and networkx come with
# moto's CloudFormation support). A machine-wide PYTHONDONTWRITEBYTECODE (CI machines set it)
# would make every process compile again what it imports: it is cleared for what make runs.
export PYTHONDONTWRITEBYTECODE :=
$(UV):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'

$(STAMP): pyproject.toml $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -e '.[local,dev]'
	@touch $@

# checkov pins old releases of boto3 and packaging, so it lives in its own virtualenv; uv makes
# it (no pip in it, which nothing needs there), in 0.3 s instead of venv's 5 s of seeding pip
$(CHECKOV_VENV)/bin/checkov: $(UV)
	@test -x $(CHECKOV_VENV)/bin/python || $(UV) venv --quiet --python $(PYTHON) $(CHECKOV_VENV)
	$(UV) pip install --quiet --python $(CHECKOV_VENV)/bin/python 'checkov==$(CHECKOV_VERSION)'

setup: $(STAMP) $(CHECKOV_VENV)/bin/checkov ## create .venv (project + dev tools) and the checkov tool env

package: $(STAMP) ## build the Lambda zips into build/lambdas/ (no-op when unchanged)
	$(CLI) package

plan: $(STAMP) ## plan ENV into build/ENV.tfplan (starts the emulator for local)
	@if [ "$(ENV)" = local ]; then $(CLI) local up; fi
	$(CLI) plan --env $(ENV) $(COMPONENT_FLAG) || [ $$? -eq 2 ]

apply: plan ## plan then apply ENV (default: the whole platform on the local emulator)
	$(CLI) apply --env $(ENV)
	@if [ "$(ENV)" = local ]; then $(CLI) local triggers --background; fi
	@# the notebook sync agent: registered apps' samples appear in build/local/notebooks/
	@if [ "$(ENV)" = local ]; then $(BIN)/python -m artificien_infra.local.notebook_sync start; fi
	$(CLI) outputs --env $(ENV)

destroy: $(STAMP) ## destroy everything in ENV
	@if [ "$(ENV)" = local ]; then $(CLI) local up; $(CLI) local triggers --stop; \
	  $(BIN)/python -m artificien_infra.local.notebook_sync stop; fi
	$(CLI) destroy --env $(ENV)

outputs: $(STAMP) ## print the Terraform outputs of ENV
	$(CLI) outputs --env $(ENV)

drift: $(STAMP) ## report resources changed outside Terraform (exit 2 when there are)
	@if [ "$(ENV)" = local ]; then $(CLI) local up >/dev/null; fi
	$(CLI) drift --env $(ENV)

preflight: $(STAMP) ## read-only checks of ENV's AWS account before a plan (exit 1 on a failure)
	@if [ "$(ENV)" = local ]; then $(CLI) local up >/dev/null; fi
	$(CLI) preflight --env $(ENV)

# ENV=prod make rehearse (local, the default ENV, is the emulator already: prod is rehearsed)
REHEARSE_ENV := $(if $(filter local,$(ENV)),prod,$(ENV))
rehearse: $(STAMP) ## apply ENV's real configuration to a private emulator, re-plan, tear down
	$(CLI) rehearse --env $(REHEARSE_ENV)

docs: $(STAMP) ## regenerate module README tables and the architecture diagram
	$(CLI) docs
	$(CLI) diagram

check: setup ## fmt, validate, docs up to date, terraform test, checkov, IAM lint, actionlint
	$(CLI) check

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two workers, a test file each at a time (module fixtures stay within one worker): on these
# 2-core machines the suite takes 2m10s instead of 4m12s, and inside make test, where it fills
# the waits of the emulator chains, it no longer ends alone on one core.
test-unit: $(STAMP) ## pytest unit tests only
	$(TEST_NICE) $(BIN)/pytest tests/unit -q -n 2 --dist loadfile

test-integration: $(STAMP) ## terraform apply against a private emulator, then destroy
	$(BIN)/pytest tests/integration -q

test-static: setup ## the static gates: fmt, validate, docs, terraform test, checkov, IAM lint
	$(TEST_NICE) $(CLI) check --reports

# The four parts run side by side (--output-sync prints each part's output whole, as it ends).
# The integration suite and the rehearsal are the long chains: each applies and destroys the
# platform on its own private emulator, mostly the provider's waiters sleeping between bursts of
# Terraform's CPU. The static gates and the unit tests are shorter and only need CPU, so make
# test runs them niced (TEST_NICE): they fill the waits instead of slowing the chains. A retried
# call to an emulator is answered as its first attempt was (local/patches/retried_calls.py), which
# starved runs need: side by side, a provider once retried a Route 53 change the emulator had made.
# The integration suite is the longer chain, so the rehearsal yields to it a little
# (REHEARSE_NICE). Each part starts as soon as what it needs is installed: all but the static
# gates need only .venv, so they run while checkov's virtualenv is still being installed.
TEST_NICE ?=
REHEARSE_NICE ?=
TEST_PARTS := test-integration test-rehearse test-static test-unit
test: ## every check: lint, the integration suite, rehearsal of prod, static gates and unit tests side by side
	@$(MAKE) --no-print-directory -j --output-sync=target TEST_NICE='nice -n 10' \
	  REHEARSE_NICE='nice -n 5' lint $(TEST_PARTS)

test-rehearse: $(STAMP) ## the rehearsal of prod (part of make test)
	$(REHEARSE_NICE) $(CLI) rehearse --env prod

bench: $(STAMP) ## benchmarks (figures, not pass/fail)
	$(BIN)/python -m benchmarks

local-up: $(STAMP) ## start the local AWS emulator in the background
	$(CLI) local up

local-down: $(STAMP) ## stop everything the project started in the background
	$(CLI) local down

local-status: $(STAMP) ## print the emulator endpoint (exit 1 when it is not running)
	$(CLI) local status

clean: ## remove build/ (zips, plans, emulator state)
	rm -rf build
