# ovindex: the two commands a fresh clone needs are `make demo` and `make test`.
SWIFT ?= swift
PYTHON := .deps/venv/bin/python

.PHONY: all setup build release test test-swift test-python demo dev-tools golden bench-tokenizer bench-embed bench-store bench-pipeline bench-query bench-scaleout bench-int8 bench-stop bench-classify eval image test-image \
	compare-tokenizer cli-docs clean distclean

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
	$(PYTHON) scripts/make_test_models.py .deps/test-models
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory test-swift test-python test-image

# OpenVINOModelTests measure the process's RSS and how soon a timeout cancels an inference: other tests running
# alongside would disturb both, so that suite runs alone first; everything else runs in parallel.
ALONE := OpenVINOModelTests
# New stores use the default model in tests, whatever this machine's measured choice (see ProjectPaths).
test-swift: export OVINDEX_PROBE = off
test-swift:
	$(SWIFT) test --skip-build --no-parallel --filter '$(ALONE)'
	$(SWIFT) test --skip-build --skip '$(ALONE)'

test-python:
	$(PYTHON) -m unittest discover -s scripts/tests

# The image's smoke test: builds the image and runs the tool from its files (setup installs podman and debootstrap
# when root; skipped, with a line saying so, without podman or docker).
test-image:
	@scripts/image_smoke.sh

## image: the OCI image (Containerfile) with podman or docker; makes the Debian base when it cannot be pulled
image: setup
	@scripts/image.sh

## demo: set up, build, and show the tool on the sample data
demo: release
	@scripts/demo.sh

## cli-docs: docs/cli.md from the option tables (a test checks it is up to date)
cli-docs: build
	$(SWIFT) run --skip-build ovindex help --reference > docs/cli.md

## dev-tools: Hugging Face tokenizers in .deps/venv, for the golden file and the comparisons
dev-tools: setup
	$(PYTHON) -m pip install -q --disable-pip-version-check -r scripts/requirements-dev.txt

## golden: regenerate the tokenizer golden file from Hugging Face tokenizers
golden: dev-tools
	$(PYTHON) scripts/tokenizer_golden.py

## compare-tokenizer: check every Unicode scalar against Hugging Face tokenizers
compare-tokenizer: dev-tools release
	RAYON_NUM_THREADS=1 $(PYTHON) scripts/compare_tokenizer.py --all-code-points

## bench-tokenizer: MB/s against Hugging Face tokenizers, single-threaded, same text
bench-tokenizer: dev-tools release
	$(PYTHON) scripts/bench_tokenizer.py 5

## bench-store: vector store top-10 latency, memory and recall at 10k, 100k and 1M chunks
bench-store: release
	$(PYTHON) scripts/bench_store.py

## bench-pipeline: indexing throughput vs raw inference, length grouping, nightly, memory (long: ~1 hour)
bench-pipeline: release
	$(PYTHON) scripts/bench_pipeline.py

## bench-query: query latency per mode at 100k chunks, rerank vs raw inference, and the evaluation table
bench-query: release
	$(PYTHON) scripts/bench_query.py

## eval: build the four evaluation sets (stdlib, man pages, info manuals, Node.js Markdown), index each, print one
##       table per set and the default query (release build; the man set needs Debian's manpages and
##       manpages-dev, the node set nodejs-doc)
eval: release
	$(PYTHON) scripts/bench_query.py eval

## bench-scaleout: one worker against two sharded workers on this machine, and merge throughput
bench-scaleout: release
	$(PYTHON) scripts/bench_scaleout.py

## bench-classify: the four labelled sets (Debian packages, man pages, Python modules, info manuals) with every
##                 method, then labelling a 100k-document store and classify against embed (texts/s)
bench-classify: release
	$(PYTHON) scripts/bench_classify.py quality
	$(PYTHON) scripts/bench_classify.py speed

## bench-stop: seconds from the first SIGINT to exit, at default settings (--baseline another build to compare)
bench-stop: release
	$(PYTHON) scripts/bench_stop.py

## bench-int8: the int8 presets against bf16: accuracy vs f32, recall/MRR on the evaluation set, indexing speed
bench-int8: release
	$(PYTHON) scripts/bench_int8.py

## bench-embed: ovindex embed texts/s, short and long texts, bf16 and f32
bench-embed: release
	$(PYTHON) scripts/bench_embed.py 3

clean:
	rm -rf .build

## distclean: also remove what setup installed and converted
distclean: clean
	rm -rf .deps data/models
