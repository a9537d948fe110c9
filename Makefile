# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
# Both build .venv and install only what is missing, so a second run is fast.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test check bench sounds clean build-deps espeak-ng

run: $(STAMP)
	$(VENV)/bin/backrelief

# The checks first, then the whole suite (in parallel: every test is independent).
test: check
	$(PY) -m pytest -n auto

# ruff (lint and import order), mypy (strict for core/), import-linter (the layers).
check: $(STAMP)
	$(VENV)/bin/ruff check backrelief_tui tests benchmarks sounds tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks

sounds: $(STAMP)
	$(PY) sounds/make_sounds.py

# Reinstall only when the project's metadata changed (the install is editable,
# so code edits need no reinstall).
$(STAMP): pyproject.toml | build-deps espeak-ng
	test -x $(VENV)/bin/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,check]'
	touch $(STAMP)

# The bench extra (termdown, the CPU baseline) on top of the test install.
$(VENV)/.installed-bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,check,bench]'
	touch $(VENV)/.installed-bench

# What building .venv needs from the system: venv itself, and for simpleaudio (compiled
# here) a C compiler with the Python and ALSA headers. Checked only while .venv is not built;
# installed with apt-get as root, else one message naming the packages.
build-deps:
	@if [ ! -f $(STAMP) ]; then \
	  missing=""; \
	  $(PYTHON) -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	  command -v cc >/dev/null || missing="$$missing gcc"; \
	  $(PYTHON) -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
	    || missing="$$missing python3-dev"; \
	  [ -f /usr/include/alsa/asoundlib.h ] || missing="$$missing libasound2-dev"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "Installing$$missing (to build .venv; simpleaudio compiles against ALSA)..."; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	      echo "Building .venv needs:$$missing (Debian/Ubuntu names: sudo apt install$$missing)," >&2; \
	      echo "then run make again. Fedora: python3-devel gcc alsa-lib-devel; Arch: gcc alsa-lib." >&2; \
	      exit 1; \
	    fi; \
	  fi; \
	fi

# The spoken coach renders its phrases with the espeak-ng program. It is optional: without
# it the app says so once and keeps to the beeps, so a missing espeak-ng never fails the set-up.
espeak-ng:
	@if ! command -v espeak-ng >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing espeak-ng for the spoken coach..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null) \
	      || echo "Could not install espeak-ng: the coach stays quiet, the beeps still play." >&2; \
	  elif [ ! -f $(STAMP) ]; then \
	    echo "Optional: install espeak-ng for the spoken coach (Debian/Ubuntu: sudo apt install espeak-ng," >&2; \
	    echo "Fedora: sudo dnf install espeak-ng, Arch: sudo pacman -S espeak-ng, macOS: brew install espeak-ng)." >&2; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) build dist .pytest_cache
