#!/usr/bin/env bash
# make image: the OCI image of ovindex, built from ./Containerfile with podman or docker.
#
#   scripts/image.sh            stage the context in .build-image/context and build $IMAGE (default
#                               localhost/ovindex:latest); prints the image's size and the build time
#
# What goes in: the release binary built with --static-swift-stdlib (no Swift runtime to copy) and stripped,
# the OpenVINO libraries that the C API and its CPU plugin load (nothing for GPU, NPU or other front ends),
# and the model directories `make setup` converted. SQLite comes from Debian inside the Containerfile.
#
# The base image ($BASE, default docker.io/library/debian:bookworm-slim) is used when it is here or can be
# pulled; otherwise it is made with debootstrap from the Debian mirror apt uses and imported under the same
# name, so that one Containerfile serves both. podman and debootstrap are installed with apt-get when missing
# (as root). Where the host cannot start containers, podman builds with --isolation chroot.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/ovindex:latest}
BASE=${BASE:-docker.io/library/debian:bookworm-slim}
SUITE=${SUITE:-bookworm}
work=.build-image
context=$work/context
started=$(date +%s)

say() { echo "image: $*" >&2; }
die() { echo "image: error: $*" >&2; exit 1; }

apt_install() {
    [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "$* is missing: install it (apt-get install $*)"
    say "installing $* with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 || {
        DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null || die "apt-get could not install $*"
    }
}

# The container tool: podman, or docker when its engine answers (the client alone cannot build).
tool=${CONTAINER_TOOL:-}
if [[ -z $tool ]]; then
    if command -v podman >/dev/null; then
        tool=podman
    elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
        tool=docker
    else
        apt_install podman
        tool=podman
    fi
fi

[[ -d data/models/all-MiniLM-L6-v2 ]] || die "no models in data/models: run 'make setup' first"

# 1. The binary: a release build of its own (another scratch path, so `make release` is left as it is).
say "building the release binary with the Swift runtime linked in"
swift build -c release --static-swift-stdlib --scratch-path "$work/swift" --product ovindex >&2
binary="$work/swift/release/ovindex"

# 2. The context: /opt/ovindex/{bin,lib,models}.
rm -rf "$context"
mkdir -p "$context/opt/ovindex/bin" "$context/opt/ovindex/lib" "$context/opt/ovindex/models"
cp "$binary" "$context/opt/ovindex/bin/ovindex"
strip --strip-unneeded "$context/opt/ovindex/bin/ovindex"
openvino=.deps/openvino/lib
# Linked by the binary (the C API, the runtime, TBB) and loaded by the runtime when it reads an IR model and
# compiles it for the CPU (the IR front end, the CPU plugin, and what they link).
wanted=(libopenvino_c.so libopenvino.so libopenvino_ir_frontend.so libopenvino_intel_cpu_plugin.so libtbb.so
    libtbbmalloc.so libtbbbind_2_5.so libhwloc.so)
for name in "${wanted[@]}"; do
    found=$(ls "$openvino/$name"* 2>/dev/null || true)
    [[ -n $found ]] || die "$openvino has no $name*: run 'make setup'"
    for file in $found; do cp -P "$file" "$context/opt/ovindex/lib/"; done
done
# Every library those link must be in the image or in Debian's base (libc, libstdc++, libgcc).
missing=$(LD_LIBRARY_PATH="$context/opt/ovindex/lib" ldd "$context/opt/ovindex/bin/ovindex" \
    "$context"/opt/ovindex/lib/*.so* 2>/dev/null | grep "not found" | sort -u || true)
[[ -z $missing ]] || die "libraries not found for the image: $missing"
for model in data/models/*/; do
    [[ -f $model/manifest.json ]] && cp -r "$model" "$context/opt/ovindex/models/"
done

# 3. The base image.
have_image() {
    if [[ $tool == podman ]]; then podman image exists "$1"; else docker image inspect "$1" >/dev/null 2>&1; fi
}
if ! have_image "$BASE"; then
    say "pulling $BASE"
    if ! timeout 120 "$tool" pull -q "$BASE" >/dev/null 2>&1; then
        say "$BASE cannot be pulled here: making it with debootstrap from the Debian mirror"
        command -v debootstrap >/dev/null || apt_install debootstrap
        mirror=$(grep -hE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
            /etc/apt/sources.list.d/*.list 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?( |$)' | tr -d ' ' \
            | head -1 || true)
        mirror=${mirror:-http://deb.debian.org/debian}
        root="$work/base-root"
        rm -rf "$root"
        debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >&2 || die "debootstrap failed"
        # As slim as the official image: no package lists, caches, documentation or manual pages.
        rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
            "$root"/usr/share/info/* "$root"/var/log/*.log
        tar --numeric-owner -C "$root" -c . | "$tool" import - "$BASE" >/dev/null
        rm -rf "$root"
        say "imported $BASE (debootstrap $SUITE from $mirror)"
    fi
fi

# 4. The image.
say "building $IMAGE with $tool"
if [[ $tool == podman ]]; then
    podman build -q --isolation chroot --build-arg "BASE=$BASE" -f Containerfile -t "$IMAGE" "$context" >/dev/null
    size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
else
    docker build -q --build-arg "BASE=$BASE" -f Containerfile -t "$IMAGE" "$context" >/dev/null
    size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
fi
parts=$(du -sh "$context/opt/ovindex/bin" "$context/opt/ovindex/lib" "$context/opt/ovindex/models" | awk '{print $1}' | paste -sd/)
say "built $IMAGE: $((size / 1000000)) MB (binary/OpenVINO/models: $parts) in $(($(date +%s) - started)) s"
