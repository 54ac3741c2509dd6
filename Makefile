# The README's two commands: `make demo` and `make test`. Each installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
PIP := $(VENV)/bin/pip install --quiet --disable-pip-version-check

.PHONY: demo test install clean

$(VENV)/.run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

$(VENV)/.test: $(VENV)/.run
	$(PIP) -e '.[test]'
	touch $@

install: $(VENV)/.run

demo: $(VENV)/.run
	$(VENV)/bin/kotanet demo

test: $(VENV)/.test
	VENV=$(VENV) scripts/test

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
