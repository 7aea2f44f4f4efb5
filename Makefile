# The two commands of README.md. Each installs what it needs into .venv.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := requirements/lock.txt
DEMO_DATE ?= 2025-12-22
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo demo-sealed test browser bench lock npm-tools vendor-age

# Every dependency (test and site included) and the build backend come from the lock file,
# checked against its hashes, so an intranet mirror serves exactly what CI tested;
# `pip check` fails when pyproject.toml names a dependency the lock lacks (run `make lock`).
$(STAMP): pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check || { echo "$(LOCK) is out of date with pyproject.toml: run make lock" >&2; exit 1; }
	touch $(STAMP)

# Regenerate the lock file from pyproject.toml (all extras, the build backend, hashes of every
# file). Existing pins stay unless LOCK_FLAGS=--upgrade; pip-tools runs in its own venv.
LOCK_VENV  := .cache/lock-venv
LOCK_FLAGS ?=
lock:
	python3 -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet 'pip-tools>=7.4,<8'
	$(LOCK_VENV)/bin/pip-compile --quiet $(LOCK_FLAGS) --all-extras --all-build-deps \
	  --allow-unsafe --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file $(LOCK) pyproject.toml

# Build the demo registry's site at the demo date and serve it on http://127.0.0.1:8000/
demo: $(STAMP)
	$(PY) -m cebase serve --root examples --now $(DEMO_DATE)

# The demo registry is sealed to the TEST key (仅供测试，切勿用于真实数据; its recipient in
# examples/cycles/recipients.txt): validate it as CI does, without a key (the checks that read
# personal values wait for the bureau), and as a reviewer does, with the key (every check).
TEST_KEY := tests/fixtures/seal/test-identity.TEST-ONLY.txt
demo-sealed: $(STAMP)
	$(PY) -m cebase validate --root examples --now $(DEMO_DATE) | tail -1
	$(PY) -m cebase validate --root examples --now $(DEMO_DATE) --identity $(TEST_KEY)

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

# The forms seal personal fields in the browser with age-encryption (docs/assets/forms/vendor/):
# its npm packages bundled by esbuild into one script exposing the global `age`; every version
# pinned so a rebuild gives the same file. Licences: vendor/LICENSE.age-encryption.txt.
AGE_BUILD := .cache/age-build
AGE_NPM := age-encryption@0.3.1 @noble/ciphers@2.4.0 @noble/curves@2.4.0 @noble/hashes@2.4.0 \
  @noble/post-quantum@0.5.4 @scure/base@2.4.0 esbuild@0.28.2
AGE_BANNER := /*! age-encryption 0.3.1 (BSD-3-Clause) with @noble/ciphers, @noble/curves, \
  @noble/hashes, @noble/post-quantum and @scure/base (MIT): an esbuild IIFE exposing the global \
  age (Encrypter, armor); see LICENSE.age-encryption.txt and make vendor-age */
vendor-age:
	mkdir -p $(AGE_BUILD)
	npm install --prefix $(AGE_BUILD) --no-save --no-package-lock --no-audit --no-fund --silent $(AGE_NPM)
	echo 'export { Encrypter, armor } from "age-encryption";' > $(AGE_BUILD)/entry.js
	$(AGE_BUILD)/node_modules/.bin/esbuild $(AGE_BUILD)/entry.js --bundle --format=iife \
	  --global-name=age --minify --target=es2020 --legal-comments=eof \
	  --banner:js="$(strip $(AGE_BANNER))" --outfile=docs/assets/forms/vendor/age-encryption.min.js
