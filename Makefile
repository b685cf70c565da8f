# The README's commands. Every target installs what it needs into .venv first, so a fresh
# machine with Python 3.11+ is enough.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run build check inspect test lint bench loadtest clean chromium

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "WIR-Monitor braucht Python 3.11 oder neuer (gefunden: " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# make run CATALOG=catalogues/laatzen.toml DATA=data/laatzen serves another municipality (README).
CATALOG ?= indicators.toml
DATA    ?= data
DB      ?= $(DATA)/warehouse.duckdb
build: install
	$(PY) -m etl run --catalog $(CATALOG) --data $(DATA) --db $(DB)

check: install
	$(PY) -m etl check

# make inspect FILE=data/raw/x.csv: what a series can select in one data file (README).
inspect: install
	@test -n "$(FILE)" || { echo "usage: make inspect FILE=data/raw/<file>"; exit 2; }
	$(PY) -m etl inspect "$(FILE)"

# make run PORT=8502 where 8501 is taken.
PORT ?= 8501
run: build
	WIR_MONITOR_DB=$(DB) $(VENV)/bin/streamlit run dashboard/streamlit_app.py --server.port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The browser tests drive Debian's chromium; install it where apt can (CI and fresh machines run
# as root). Elsewhere the browser tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium fehlt und kann hier nicht installiert werden: Browser-Tests werden übersprungen"; fi; }

test: install chromium
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

# The national-scale benchmark: prints `name: value unit` lines, writes benchmarks/results.json.
# BENCH_SCALE=0.1 runs a tenth of the data set; the default is the full one (about 25 M values).
BENCH_SCALE ?= 1
bench: install
	$(PY) -m benchmarks.run --scale $(BENCH_SCALE)

# 20 browser sessions for 60 s over every page and deep link while the warehouse is rebuilt 3
# times; prints views, errors, timeouts, median and p95 (README, Performance).
loadtest: install chromium
	$(PY) -m benchmarks.load --sessions 20 --seconds 60 --rebuilds 3

# 3,000 mutated real files per reader (FUZZ_N to change): tried, OK, refused and unexpected per
# format; exits 1 on any unexpected outcome. Minutes, so outside `make test` (which runs a few
# hundred examples of the same mutations as property tests).
.PHONY: fuzz
FUZZ_N ?= 3000
fuzz: install
	$(PY) scripts/fuzz.py --per-format $(FUZZ_N)

clean:
	rm -rf $(VENV) data/warehouse* data/.warehouse* data/*/warehouse* data/*/.warehouse*
