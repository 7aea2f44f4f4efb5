# The two commands of README.md. Each installs what it needs into .venv.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_DATE ?= 2025-12-22
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo demo-sealed test browser bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Build the demo registry's site at the demo date and serve it on http://127.0.0.1:8000/
demo: $(STAMP)
	$(PY) -m cebase serve --root examples --now $(DEMO_DATE)

# The switch to a sealed demo: a copy of examples/ in .cache/demo-sealed, sealed to the
# TEST key (仅供测试，切勿用于真实数据), validated without the key (checks waiting) and with it.
SEALED_DEMO := .cache/demo-sealed
TEST_KEY := tests/fixtures/seal/test-identity.TEST-ONLY.txt
demo-sealed: $(STAMP)
	rm -rf $(SEALED_DEMO) && mkdir -p .cache && cp -r examples $(SEALED_DEMO)
	cp tests/fixtures/seal/overlay/cycles/recipients.txt $(SEALED_DEMO)/cycles/
	$(PY) -m cebase reseal --root $(SEALED_DEMO) --identity $(TEST_KEY)
	$(PY) -m cebase validate --root $(SEALED_DEMO) --now $(DEMO_DATE) | tail -1
	$(PY) -m cebase validate --root $(SEALED_DEMO) --now $(DEMO_DATE) --identity $(TEST_KEY)

# Debian's chromium for the browser tests (Playwright drives it; nothing is downloaded by Playwright).
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium fonts-noto-cjk; }

# axe-core (npm) for the accessibility audit, kept out of the repository.
AXE := .cache/npm/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --prefix .cache/npm --no-save --no-package-lock --no-audit --no-fund --silent axe-core@4

test: $(STAMP) browser $(AXE)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) tests/bench/bench_validate.py
