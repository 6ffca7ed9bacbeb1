# The common verbs. `make demo` and `make test` create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint fuzz bench bench-quick clean screenshots docs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/autoalliance demo
	$(VENV)/bin/autoalliance report --out out/report.html
	$(VENV)/bin/autoalliance plan --mode alliance
	$(VENV)/bin/autoalliance share

test: $(STAMP)
	$(PY) -m pytest

screenshots: $(STAMP)
	AUTOALLIANCE_SCREENSHOTS=1 $(PY) -m pytest -q tests/dashboard

# Every figure quoted in README.md and docs/ (markers <!-- fig:KEY -->, autoalliance.report.docfigures)
# and the case study, regenerated from the code; tests/report/test_docfigures.py checks them.
docs: $(STAMP)
	$(VENV)/bin/autoalliance casestudy
	$(PY) -m autoalliance.report.docfigures --write

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests

# Every fuzz test of `make test` (tests/*/test_fuzz_*.py) with a larger budget: FUZZ_EXAMPLES per
# property (the slow workbook and CLI properties run a quarter of it), a fixed seed so a run can be
# repeated, and a hard time limit. 500 examples take about 8 minutes on 2 cores (RELIABILITY.md).
FUZZ_EXAMPLES ?= 500
FUZZ_SEED ?= 0
FUZZ_SECONDS ?= 1200
fuzz: $(STAMP)
	AUTOALLIANCE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) timeout $(FUZZ_SECONDS) $(PY) -m pytest -q \
		--hypothesis-seed=$(FUZZ_SEED) --hypothesis-show-statistics tests/*/test_fuzz_*.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis

bench: $(STAMP)
	$(PY) benchmarks/run.py

bench-quick: $(STAMP)
	$(PY) benchmarks/run.py --quick
