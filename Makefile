# Lojal: `make run` starts the demo, `make test` runs the suite. Only python3 (3.11+) and make needed.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
LOJAL := $(VENV)/bin/lojal
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install lint format typecheck bench messages clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	touch $@

install: $(VENV)/.installed

run: install
	LOJAL_DEMO=1 $(LOJAL) run

test: install
	$(VENV)/bin/python -m tests.runner

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	LOJAL_TESTING=1 $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: install
	$(VENV)/bin/python -m bench $(ARGS)

messages: install
	cd src/lojal && LOJAL_TESTING=1 ../../$(LOJAL) makemessages -l sv -l nb --no-obsolete --ignore 'static/*' && LOJAL_TESTING=1 ../../$(LOJAL) compilemessages

clean:
	rm -rf $(VENV) $(TOOLS) var
