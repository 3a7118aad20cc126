#!/usr/bin/env bash
# The image's smoke test (part of `make test`): build the image, then run, from the image's own files,
# `ovindex --help`, `ovindex status`, and a small `ovindex run` and `query` over the sample data.
#
# With `podman run` (or docker) when the host can start containers; where it cannot (sandboxes that refuse
# setrlimit), a container is created from the image, its root file system mounted, and the image's binary run
# under chroot with the image's own environment, working directory and entry point.
# Skipped, with a line saying so, when neither podman nor docker is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/ovindex:latest}
say() { echo "image smoke test: $*" >&2; }

if ! command -v podman >/dev/null && ! { command -v docker >/dev/null && docker info >/dev/null 2>&1; }; then
    say "SKIPPED: neither podman nor a docker engine is installed ('make image' installs podman)"
    exit 0
fi
tool=podman
command -v podman >/dev/null || tool=docker

scripts/image.sh
work=$(mktemp -d)
container=""
mounted=""
cleanup() {
    if [[ -n $mounted ]]; then
        umount "$mounted/proc" "$mounted/sys" 2>/dev/null || true
        podman unmount "$container" >/dev/null 2>&1 || true
    fi
    [[ -n $container ]] && "$tool" rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# A small corpus: three folders of the sample data.
mkdir -p "$work/data/corpus"
cp -r data/sample/astronomy data/sample/cooking data/sample/gardening "$work/data/corpus/"
documents=$(find "$work/data/corpus" -type f | wc -l)

# ovindex ARGS... inside the image, with /data as the image's working folder.
if "$tool" run --rm "$IMAGE" --version >/dev/null 2>"$work/run-error"; then
    mode="$tool run"
    inside() { "$tool" run --rm -v "$work/data:/data" "$IMAGE" "$@"; }
else
    [[ $tool == podman ]] || { cat "$work/run-error" >&2; exit 1; }
    mode="chroot (podman run refused: $(head -c 160 "$work/run-error" | tr '\n' ' '))"
    container=$(podman create "$IMAGE")
    mounted=$(podman mount "$container")
    mkdir -p "$mounted/proc" "$mounted/sys"
    mount -t proc proc "$mounted/proc"
    mount --bind /sys "$mounted/sys"     # the CPU topology OpenVINO and hwloc read
    cp -r "$work/data/corpus" "$mounted/data/"
    mapfile -t environment < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" | sed '/^$/d')
    entrypoint=$(podman image inspect --format '{{index .Config.Entrypoint 0}}' "$IMAGE")
    workdir=$(podman image inspect --format '{{.Config.WorkingDir}}' "$IMAGE")
    inside() { chroot "$mounted" /usr/bin/env -i "${environment[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$entrypoint" "$@"; }
fi
say "running the image's files by $mode"

check() {  # check NAME EXPECTED-TEXT OUTPUT
    if ! grep -qE -- "$2" <<<"$3"; then
        say "FAILED: $1 did not print '$2':"
        echo "$3" >&2
        exit 1
    fi
    say "ok: $1"
}

check "ovindex --help" "Usage: ovindex" "$(inside --help 2>&1)"
check "ovindex status" "all-MiniLM-L6-v2" "$(inside status 2>&1)"
output=$(inside run --source /data/corpus --store /data/index.sqlite --json --quiet 2>&1) || {
    echo "$output" >&2
    say "FAILED: ovindex run"
    exit 1
}
check "ovindex run ($documents documents)" "\"documents_indexed\": *$documents," "$output"
check "ovindex query" "moon-phases" "$(inside query "why does the Moon change its shape from night to night" --store /data/index.sqlite 2>&1)"
say "passed"
