# hypecheck: `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export MLFLOW_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ORT_DISABLE_TELEMETRY := 1
export TOKENIZERS_PARALLELISM := false

.DEFAULT_GOAL := help
.PHONY: help setup run test lint typecheck format data-stats splitter-bench batch-bench bench context-bench soak ray-fault clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0  # the CPU wheel first, or pip pulls a CUDA build
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

setup: $(STAMP) ## Create .venv with torch (CPU) and hypecheck installed
	@true

run: setup ## The main job: register the shipped champion on first use, then check a sample article
	$(BIN)/hypecheck demo

test: lint typecheck ## ruff check, ruff format --check, mypy, then the test suite
	$(BIN)/python -m pytest

lint: setup ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow setuptools' package-dir mapping, so it reads the packages through links named the
# way Python imports them: build/typecheck/hypecheck/models -> models, and so on.
typecheck: setup ## mypy, as configured in pyproject.toml
	@mkdir -p build/typecheck/hypecheck
	@for package in models training serve; do ln -sfn "$(CURDIR)/$$package" build/typecheck/hypecheck/$$package; done
	$(BIN)/mypy

format: setup ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

data-stats: setup ## Counts of our labelled data and the shared corpora
	$(BIN)/hypecheck data stats --shared

splitter-bench: setup ## Re-measure the sentence-splitter candidates (writes data/splitter/RESULTS.*)
	$(BIN)/python -m hypecheck.training.splitter_benchmark

batch-bench: setup ## Batch-score all FakeHealth articles, against a naive loop (writes reports/batch/)
	$(BIN)/python -m benchmarks.batch_bench $(if $(MODEL),--model $(MODEL)) $(if $(REWRITES),--rewrites)

soak: setup ## 60 s at 32 clients, clean then with 10% hostile bodies: 5xx, memory, p99 (reports/soak.json)
	nice $(BIN)/python -m benchmarks.soak $(if $(MODEL),--model $(MODEL))

ray-fault: setup ## Batch on a two-node Ray cluster here, worker raylet killed mid-run (reports/ray_fault.json)
	nice $(BIN)/python -m benchmarks.ray_fault --model $(or $(MODEL),$(error MODEL=<bundle folder> is required))

context-bench: setup ## Context segment budgets: quality and speed side by side (reports/bench/context_budget.*)
	$(BIN)/python -m benchmarks.context_budget $(if $(MODEL),--model $(MODEL))

bench: setup ## Inference speed: model only, hardware limit, API, naive pipeline (writes reports/bench/)
	$(BIN)/python -m benchmarks.bench $(if $(MODEL),--model $(MODEL))

clean: ## Remove build outputs (keeps .venv, the MLflow store and trained models)
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache reports test-output
