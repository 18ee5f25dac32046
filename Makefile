# Two commands do everything on a fresh Debian/Ubuntu machine:
#   make demo   install, then crawl govsim (the simulated government web) into ./fazhi.db
#   make test   install, then run the test suite
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup chromium demo test lint bench

chromium:
	@[ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/wqy ] && [ -x /usr/bin/antiword ] || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-wqy-zenhei antiword)

setup: chromium
	$(PYTHON) -m pip install -q -e '.[dev]'

demo: setup
	fazhi demo

test: setup
	$(PYTHON) -m pytest -q -n 2 --dist loadfile

lint:
	ruff check . && ruff format --check . && lint-imports

bench: setup
	$(PYTHON) -m bench
