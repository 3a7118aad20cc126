#!/usr/bin/env bash
# What a build of ovindex prints for a fixed set of commands over data/sample, with timings, sizes and dates
# masked, so that two builds (before and after a refactor) can be compared with diff:
#   scripts/compare_outputs.sh OLD_BINARY /tmp/old; scripts/compare_outputs.sh .build/debug/ovindex /tmp/new
#   diff -r /tmp/old /tmp/new
# Runs from the checkout (models are found in data/models), writes only below OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out/work"
export OVINDEX_PROBE=off OVINDEX_CACHE_DIR="$out/work/cache"
work=$out/work

# Masks what differs between two runs of the same build: durations, rates, sizes, dates, run ids' times.
mask() {
    sed -E \
        -e 's/"(seconds|milliseconds|p50_ms|p95_ms|peak_rss_bytes)": ?[0-9.e+-]+/"\1": null/g' \
        -e 's/[0-9]+(\.[0-9]+)? s\b/_ s/g' \
        -e 's/[0-9]+(\.[0-9]+)? (B|KB|MB|GB)\b/_ \2/g' \
        -e 's/[0-9]+ (chunks|texts|tok)\/s/_ \1\/s/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.Z]+/DATE/g' \
        -e 's/^([a-z]+ +[a-z-]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +)[0-9.]+ +[0-9.]+ +/\1_ _ /' \
        -e "s#$work#WORK#g"
}

# run NAME COMMAND...: stdout, stderr (masked) and the exit status of one command.
run() {
    local name=$1
    shift
    "$@" >"$work/stdout" 2>"$work/stderr"
    echo $? >"$out/$name.status"
    mask <"$work/stdout" >"$out/$name.stdout"
    mask <"$work/stderr" >"$out/$name.stderr"
}

sed -e "s#\"../var/sample.sqlite\"#\"$work/sample.sqlite\"#" -e 's#"\.\./data/#"'"$PWD"'/data/#g' \
    pipelines/sample.json >"$work/sample.json"
cat >"$work/queries.jsonl" <<'QUERIES'
{"id": 1, "query": "how do I resume a backfill that was killed?", "relevant": "faq/faq-1"}
{"id": 2, "query": "why do comets have tails", "relevant": "astronomy/comets.md"}
{"id": 3, "query": "write-ahead log readers and writers", "relevant": ["computing/sqlite-wal.md", "faq/faq-3"]}
{"id": 4, "query": "how to keep a sourdough starter alive", "relevant": "cooking/sourdough.md"}
{"id": 5, "query": "when do birds migrate south", "relevant": "nature/bird-migration.md"}
{"id": 6, "query": "what makes a rainbow", "relevant": "nature/rainbows.md"}
QUERIES
printf 'The weather is lovely today.\nIt'"'"'s so sunny outside!\nHe drove to the stadium.\n' >"$work/texts.txt"

run run-first "$bin" run "$work/sample.json" --quiet --json
run run-again "$bin" run "$work/sample.json" --quiet --json
run run-dry "$bin" run "$work/sample.json" --dry-run
run run-flags "$bin" run --source data/sample --store "$work/flags.sqlite" --chunk-tokens 64 --overlap 8 \
    --batch-tokens 2048 --requests 1 --structure none --max-chunks 50 --quiet --json
run store-info "$bin" store info "$work/sample.sqlite"
run store-check "$bin" store check "$work/sample.sqlite"
run status "$bin" status "$work/sample.sqlite" --no-load
for mode in vector keyword hybrid; do
    run "query-$mode" "$bin" query "how do I resume a backfill that was killed?" --store "$work/sample.sqlite" \
        --mode "$mode" --json
done
run query-table "$bin" query "what makes a rainbow" --store "$work/sample.sqlite" -k 3
run query-filter "$bin" query "operations" --store "$work/sample.sqlite" --filter topic=operations --json --chunks
run query-section "$bin" query "log" --store "$work/sample.sqlite" --section wal --json
run query-file "$bin" query --queries "$work/queries.jsonl" --store "$work/sample.sqlite" --json
run eval-json "$bin" eval --store "$work/sample.sqlite" --queries "$work/queries.jsonl" --json --quiet
run eval-table "$bin" eval --store "$work/sample.sqlite" --queries "$work/queries.jsonl" --quiet
"$bin" eval --store "$work/sample.sqlite" --queries "$work/queries.jsonl" --trace "$work/trace.jsonl" --quiet \
    >/dev/null 2>&1
# Chunk ids depend on the order documents were committed in (several are read at once): keep the documents and
# the scores, not the ids.
python3 -c '
import json, sys
for line in sys.stdin:
    t = json.loads(line)
    print(json.dumps({"relevant": t["relevant"], "vector": [d for _, d in t["vector"]],
                      "keyword": [d for _, d in t["keyword"]], "late": sorted(round(v, 6) for v in t["late"].values())}))
' <"$work/trace.jsonl" >"$out/eval-trace.jsonl"
run export "$bin" export "$work/sample.sqlite"
run export-qdrant "$bin" export --store "$work/sample.sqlite" --format qdrant
run embed "$bin" embed --precision f32 --quiet "$work/texts.txt"
run tokenize "$bin" tokenize "$work/texts.txt"
run rerank "$bin" rerank --query "sunny weather" --json "$work/texts.txt"
run shard0 "$bin" run --source data/sample --store "$work/shards.sqlite" --shard 0/2 --quiet --json
run shard1 "$bin" run --source data/sample --store "$work/shards.sqlite" --shard 1/2 --quiet --json
run merge "$bin" merge "$work/merged.sqlite" "$work/shards.shard-0-of-2.sqlite" "$work/shards.shard-1-of-2.sqlite" --json
run merged-query "$bin" query "rainbow" --store "$work/merged.sqlite" --json
# Mistakes: the message and the exit status.
run bad-option "$bin" run --source data/sample --store "$work/x.sqlite" --no-such-flag
run bad-range "$bin" embed --requests 0
run bad-choice "$bin" query "x" --store "$work/sample.sqlite" --mode fuzzy
run missing-store "$bin" query "x" --store "$work/none.sqlite"
run missing-source "$bin" run --source "$work/nowhere" --store "$work/y.sqlite"
run unknown-command "$bin" frobnicate
rm -rf "$work"
# JSON lines compared as values: key order and spacing are not behaviour.
python3 - "$out" <<'NORMALIZE'
import json, pathlib, sys
for path in pathlib.Path(sys.argv[1]).glob("*.stdout"):
    lines = []
    for line in path.read_text().splitlines():
        try:
            lines.append(json.dumps(json.loads(line), sort_keys=True))
        except ValueError:
            lines.append(line)
    path.write_text("\n".join(lines) + "\n")
NORMALIZE
