# make report | make test | make bench | make sweep — each creates .venv with the pinned versions first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

# Offline copies beside the checkout (this workplace's ../shared) are used when present;
# elsewhere Keras downloads CIFAR-10 and the ImageNet ResNet50.
SHARED_DATA := $(wildcard $(CURDIR)/../shared/data/cifar-10-batches-py)
SHARED_CONV1 := $(wildcard $(CURDIR)/../shared/weights/resnet50_imagenet_conv1.npz)
ifneq ($(SHARED_DATA),)
export CNNLAB_DATA ?= $(SHARED_DATA)
endif
ifneq ($(SHARED_CONV1),)
export CNNLAB_RESNET50_CONV1 ?= $(SHARED_CONV1)
endif
# make report REPORT_FLAGS=--allow-incomplete renders before the sweep has finished.
REPORT_FLAGS ?=

.PHONY: report test lint bench sweep status clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

report: $(STAMP)  ## Render _output/report.html and _output/report.pdf from the cache
	@# Quarto's freeze hashes the chapters' source only: when runs landed after it, thaw it.
	@if command -v quarto >/dev/null 2>&1; then \
	  if [ -d _freeze ] && [ -n "$$(find cache -newer _freeze -print -quit)" ]; then rm -rf _freeze; fi; \
	  quarto render; \
	else $(BIN)/cnnlab render $(REPORT_FLAGS); fi

# Test files run side by side on every core, at most four (pytest-xdist; one file's tests stay together):
# TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

test: $(STAMP)  ## Lint, then the test suite (a few minutes)
	$(BIN)/ruff check cnnlab tests report tools
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --maxprocesses=4 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check cnnlab tests report tools
	$(BIN)/ruff format --check cnnlab tests tools

bench: $(STAMP)  ## cnnlab's training path against a plain Keras fit, on the real data
	$(BIN)/cnnlab bench | tee bench.md

sweep: $(STAMP)  ## The full protocol: 4 variants x 10 seeds x 100 epochs (hours; resumable)
	$(BIN)/cnnlab sweep --variants all --seeds 0-9

status: $(STAMP)
	$(BIN)/cnnlab status

clean:
	rm -rf _output .pytest_cache .ruff_cache
