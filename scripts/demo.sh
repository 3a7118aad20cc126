#!/usr/bin/env bash
# What `make demo` shows, on the sample data, with the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/ovindex

echo "== ovindex version"
"$bin" version
