# Two commands for a fresh machine (Python >= 3.10): `make demo` and `make test`.
# Both create .venv when missing, install torch==2.13.0 first if the venv has no torch (a bare `torch`
# requirement would pull a multi-GB CUDA build), then `pip install -e ".[dev]"`; `make test` adds the bench,
# distributed and dandi extras (upstream cebra for the parity tests, dask for GridSearch, dandi for NWB access).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.neurolatent-installed
# the tests also need the optional extras: upstream cebra (parity tests), dask (GridSearch), dandi (NWB access)
TEST_STAMP := $(VENV)/.neurolatent-test-extras

.PHONY: demo test install docs results export clean-nbs check-sync bench gpu-wheels

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "neurolatent needs Python >= 3.10, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) setup.py settings.ini
	@$(PY) -c 'import torch' 2>/dev/null || $(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[dev,bench,distributed,dandi]"
	# nlb-tools (the NLB metrics our co-bps must equal) pins pandas<=1.3.4, which has no wheel for Python >= 3.10:
	# installed without its dependencies (all present), for the parity tests of lfads_real only
	$(PY) -m pip install -q --no-deps nlb-tools==0.0.4
	@touch $(TEST_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/neurolatent demo

# The notebooks are the source: exporting and cleaning them must change nothing that is committed.
check-sync: $(TEST_STAMP)
	$(VENV)/bin/nbdev_export
	$(VENV)/bin/nbdev_clean
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  if [ -n "$$(git status --porcelain -- nbs neurolatent)" ]; then \
	    echo "nbdev_export/nbdev_clean changed files: notebooks and library are out of sync:"; \
	    git status --porcelain -- nbs neurolatent; git --no-pager diff --stat -- nbs neurolatent; exit 1; \
	  else echo "nbs/ and neurolatent/ are in sync and clean."; fi; \
	else echo "not a git checkout: skipping the sync check"; fi

test: check-sync
	$(PY) -m pytest tests/ -p no:cacheprovider -ra

# The documentation site (mkdocs-material) from the notebooks' stored outputs; nothing is executed.
docs: $(STAMP)
	$(PY) tools/build_docs.py

# Execute notebooks in place at full length and store their outputs with a run record (tools/run_results.py).
# `make results` runs them all; `make results NB="nbs/13_cebra.ipynb nbs/tutorials/best_practices.ipynb"` some;
# `make results STALE=1` only those whose code changed since their outputs were made. On a 2-core CPU the ED Fig. 7
# tutorial at the paper's 10 seeds takes hours: NEUROLATENT_REDUCED=1 runs the stated reduced setting (3 seeds).
NB ?=
results: $(STAMP)
	$(PY) tools/run_results.py $(if $(STALE),--stale) $(NB)

export: $(STAMP)
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean

# Wheels for tools/gpu_check.sh on the GPU machine (no network; its image has torch, jax + CUDA plugin, optax, numpy,
# scipy, scikit-learn, pandas, h5py, matplotlib, tqdm, pytest): what neurolatent and upstream cebra need beyond that,
# every one with --no-deps, at the versions this venv has. Compiled ones for CPython 3.10-3.14 (the image's Python is not
# known here); gpu_check.sh installs only those the image lacks. Carry the folder: run(carry=["wheels"]). Keep it < 64 MiB.
GPU_WHEELS_PURE   := cebra literate-dataclasses requests urllib3 idna certifi plotly narwhals pynwb hdmf jsonschema \
                     jsonschema-specifications referencing attrs ruamel.yaml platformdirs threadpoolctl joblib setuptools
GPU_WHEELS_BINARY := rpds-py charset-normalizer
GPU_WHEELS_PYS    := 3.10 3.11 3.12 3.13 3.14
pin = $(foreach p,$(1),$(shell $(PY) -c 'import importlib.metadata as m, sys; print(sys.argv[1] + "==" + m.version(sys.argv[1]))' $(p) 2>/dev/null || echo $(p)))
gpu-wheels: $(TEST_STAMP)
	@mkdir -p wheels
	$(PY) -m pip download -q --no-deps --only-binary=:all: -d wheels $(call pin,$(GPU_WHEELS_PURE))
	@for v in $(GPU_WHEELS_PYS); do \
	  $(PY) -m pip download -q --no-deps --only-binary=:all: -d wheels --python-version $$v --implementation cp \
	    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 $(GPU_WHEELS_BINARY) \
	    || echo "gpu-wheels: no wheels of $(GPU_WHEELS_BINARY) for Python $$v"; \
	done
	@du -sh wheels; ls wheels | wc -l
	@test $$(du -sm wheels | cut -f1) -lt 64 || { echo "wheels/ is over 64 MiB: too big to carry"; exit 1; }
