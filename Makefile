# ovindex: the two commands a fresh clone needs are `make demo` and `make test`.
SWIFT ?= swift
PYTHON := .deps/venv/bin/python

.PHONY: all setup build release test test-swift test-python demo bench clean distclean

all: build

## setup: native libraries, OpenVINO runtime, model conversion (idempotent; seconds when done before)
setup:
	@scripts/setup.sh

## build: debug build of everything
build: setup
	$(SWIFT) build

## release: optimised build (use it for anything you measure)
release: setup
	$(SWIFT) build -c release

## test: set up, build, and run every test (Swift and the converter's Python tests)
test: setup
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory test-swift test-python

test-swift:
	$(SWIFT) test --skip-build

test-python:
	$(PYTHON) -m unittest discover -s scripts/tests

## demo: set up, build, and show the tool on the sample data
demo: release
	@scripts/demo.sh

clean:
	rm -rf .build

## distclean: also remove what setup installed and converted
distclean: clean
	rm -rf .deps data/models
