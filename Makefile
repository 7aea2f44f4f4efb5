# The two commands of README.md. Each installs what it needs into .venv.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_DATE ?= 2025-12-22
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test browser bench npm-tools

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Build the demo registry's site at the demo date and serve it on http://127.0.0.1:8000/
demo: $(STAMP)
	$(PY) -m cebase serve --root examples --now $(DEMO_DATE)

# Debian's chromium for the browser tests (Playwright drives it; nothing is downloaded by Playwright).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk; }

# npm tools for the tests, kept out of the repository: axe-core (accessibility audit) and
# yaml-language-server (the schemas in editors). One install: a second `npm install
# --no-save` into the same prefix would prune the first one's packages.
AXE := .cache/npm/node_modules/axe-core/axe.min.js
YLS := .cache/npm/node_modules/yaml-language-server/bin/yaml-language-server
NPM_TOOLS := axe-core@4 yaml-language-server@1
$(AXE) $(YLS) &:
	npm install --prefix .cache/npm --no-save --no-package-lock --no-audit --no-fund --silent $(NPM_TOOLS)

npm-tools: $(AXE) $(YLS)

test: $(STAMP) browser $(AXE) $(YLS)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) tests/bench/bench_validate.py
