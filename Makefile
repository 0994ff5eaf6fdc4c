# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test test-fast lint format bench clean notebooks notebooks-outputs generate

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel
	touch $@

$(VENV)/.installed: $(VENV)/.created setup.cfg pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg
	$(PIP) install -e '.[test,lint]'
	touch $@

$(VENV)/.installed-notebooks: $(VENV)/.installed setup.cfg
	$(PIP) install -e '.[notebooks]'
	touch $@

$(VENV)/.installed-demo: $(VENV)/.installed setup.cfg
	$(PIP) install -e '.[plot,viz]'
	touch $@

demo: $(VENV)/.installed-demo
	$(PY) -m autograd demo

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# `long` and `docs_site` tests run in .ci/run: after `make test`, and after `make docs`.
# The notebooks run in it too: tests/project/test_notebook_outputs.py executes each one and compares
# what it shows with what it has saved.
# TEST_JOBS pytest-xdist workers share the tests out (tests of one xdist_group, such as the
# notebooks' kernels, on one worker); TEST_JOBS=0 runs them in one process.
# --durations names the slowest tests in every log: a run now and then takes minutes longer
# than the usual 90 s, and the log should say where it waited.
TEST_JOBS ?= 2
test: lint $(VENV)/.installed-notebooks
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -n $(TEST_JOBS) --dist loadgroup -m "not long and not docs_site" --durations=5

# The quick loop while editing: no lint, no notebooks, no test marked slow.
test-fast: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -n $(TEST_JOBS) --dist loadgroup -m "not slow and not torch and not long and not docs_site"

# The table's code: autograd/core/operations.py written again from the rows of autograd/ops.py
# (tests/core/test_generated.py fails when the two disagree).
generate: $(VENV)/.installed-test
	$(PY) -m autograd.generate

format: $(VENV)/.installed-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

$(VENV)/.installed-bench: $(VENV)/.installed setup.cfg
	$(PIP) install -e '.[bench]'
	touch $@

# `make bench` runs every workload and rewrites benchmarks/results/ (about 5 minutes on 2 cores);
# `make bench QUICK=1` is a smoke run (under a minute) into benchmarks/results/quick/.
# BENCH_ARGS passes further options to benchmarks/harness.py (see its --help).
bench: $(VENV)/.installed-bench
	$(PY) benchmarks/harness.py all $(if $(QUICK),--quick) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DOCS_VENV) $(SITE_DIR) build *.egg-info .pytest_cache .hypothesis

# Every notebook run again and saved with fresh outputs (after changing what they show);
# its paired .py script is synced first, so edit either.
notebooks-outputs: $(VENV)/.installed-notebooks
	cd notebooks && ../$(VENV)/bin/jupytext --sync *.py
	cd notebooks && ../$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace *.ipynb
	cd notebooks && ../$(VENV)/bin/jupytext --sync *.ipynb

# Notebooks 00 and 07 for a class: their solution cells (tagged in the source, nbgrader's
# metadata) stubbed out and their outputs cleared, written into STUDENT_DIR to hand out.
STUDENT_DIR ?= build/student-notebooks
.PHONY: student-notebooks
student-notebooks: $(VENV)/.installed-test
	$(PY) -m autograd student-notebooks notebooks/00_build_it_yourself.ipynb \
		notebooks/07_exercises.ipynb --out $(STUDENT_DIR)

# The notebooks, live: Jupyter Lab from the project's environment, opened on notebooks/.
# As root (Docker, cloud VMs) Jupyter refuses to start without --allow-root, so it is added;
# JUPYTER_ARGS passes more, e.g. JUPYTER_ARGS="--no-browser --ip=0.0.0.0".
notebooks: $(VENV)/.installed-notebooks
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(JUPYTER_ARGS) notebooks/

# The documentation site: Sphinx with furo and MyST, warnings are errors (see docs/conf.py).
# It is built in a virtual environment of its own that holds the `docs` extra and nothing else,
# so the extra is shown to be enough (a fresh clone's `make docs` once failed for want of it).
.PHONY: docs docs-check
DOCS_VENV := .venv-docs
$(DOCS_VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip --disable-pip-version-check -q install --upgrade pip setuptools wheel
	$(DOCS_VENV)/bin/python -m pip --disable-pip-version-check -q install -e '.[docs]'
	touch $@

# The playground's runtime files (Pyodide, the wasm Graphviz), pinned in web/package-lock.json.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

docs: $(DOCS_VENV)/.installed web/node_modules/.installed
	$(DOCS_VENV)/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	$(DOCS_VENV)/bin/python docs/_scripts/playground.py docs/_build/html/playground
	$(DOCS_VENV)/bin/python docs/_scripts/lite.py docs/_build/html/lite

# The site with the playground, served on 127.0.0.1 (PORT=8000); the address is printed.
# HOST=0.0.0.0 serves a classroom's network instead (it prints what that exposes).
.PHONY: playground site
PORT ?= 8000
HOST ?= 127.0.0.1
playground: docs
	$(DOCS_VENV)/bin/python -m autograd.web.serve docs/_build/html --port $(PORT) --host $(HOST)

# The whole site as one folder of static files (SITE_DIR=_site) to upload to any static host
# (.github/workflows/pages.yml publishes the same files to GitHub Pages).
SITE_DIR ?= _site
site: docs
	rm -rf $(SITE_DIR)
	cp -r docs/_build/html $(SITE_DIR)
	touch $(SITE_DIR)/.nojekyll
	@echo "site: $(SITE_DIR)/ holds the whole site (upload the folder; open index.html on the host)"

# The built site checked: nothing from the network, languages, drawings readable at 1280 px and
# the stepper playing, the playground working, in headless Chromium (tests marked docs_site).
docs-check: docs $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -m docs_site tests
