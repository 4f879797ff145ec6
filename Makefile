# dxdesk: `make demo` and `make test` are all a fresh machine needs (python3, make, git).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_COMPANIES ?= 2000
export DXDESK_ENV ?= development

.PHONY: demo test test-fast lint bench install clean messages

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/base.txt -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	DXDESK_ENV=demo $(BIN)/dxdesk migrate --noinput
	DXDESK_ENV=demo $(BIN)/dxdesk load_demo --companies $(DEMO_COMPANIES)
	DXDESK_ENV=demo DEBUG=true $(BIN)/dxdesk runserver 127.0.0.1:8000

test: $(STAMP)
	DXDESK_ENV=test $(BIN)/pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Every benchmark with its defaults (PostgreSQL ones need DATABASE_URL). The Splink
# anchor runs in its own environment: see docs/benchmarks.md.
BENCHMARKS := import search ledger dedupe outreach privacy_report
bench: $(STAMP)
	@for name in $(BENCHMARKS); do echo "== bench/$$name.py"; $(BIN)/python bench/$$name.py || exit 1; done

messages: $(STAMP)
	cd dxdesk && ../$(BIN)/dxdesk makemessages -l en --no-obsolete && ../$(BIN)/dxdesk compilemessages -l en

clean:
	rm -rf $(VENV) var
