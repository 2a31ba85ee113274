# beringia: `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DRAWS  ?= 20000

.PHONY: install system demo serve test lint bench readme clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "beringia needs Python >= 3.11 (set PYTHON=python3.11 or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install beringia with its test tools

demo: install ## Assess the built-in Bering Strait scenario and write the HTML report
	$(BIN)/beringia assess bering-strait --draws $(DRAWS) --report reports/bering-strait.html

serve: install ## The web app on http://127.0.0.1:8000 (beringia serve prints the token writes need)
	$(BIN)/beringia serve

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

system: ## System packages the tests need (Debian's PostgreSQL server and Chromium), through apt-get when missing
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql and chromium (throwaway database server; browser tests, no browser download)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql chromium fonts-dejavu-core >/dev/null; }

test: lint system ## ruff, mypy and the whole pytest suite
	$(BIN)/pytest

bench: install ## Benchmarks: ratios and timings, JSON in bench/results/ (then `make readme`)
	$(BIN)/python bench/alignment.py
	$(BIN)/python bench/construction.py
	$(BIN)/python bench/operations.py
	$(BIN)/python bench/economics.py
	$(BIN)/python bench/corridor.py
	$(BIN)/python bench/sensitivity.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/dask.py

readme: install ## Rewrite the README's sample outputs, bench table and counts (tools/readme.py)
	$(BIN)/python tools/readme.py --write

clean:
	rm -rf $(VENV) reports bench/results/*.json .mypy_cache .ruff_cache .pytest_cache .hypothesis
