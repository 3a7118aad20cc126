#!/usr/bin/env bash
# What `make demo` shows, with the release build: index the sample corpus, look at the store, embed, query.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/ovindex
mkdir -p var

echo "== ovindex run pipelines/sample.json (data/sample/ into var/sample.sqlite)"
"$bin" run pipelines/sample.json

echo
echo "== again: every document is unchanged, nothing is embedded"
"$bin" run pipelines/sample.json --quiet --json

echo
echo "== ovindex status var/sample.sqlite"
"$bin" status var/sample.sqlite

echo
echo "== ovindex models probe: which variant of the model new stores use on this CPU, measured (about 25 s)"
"$bin" models probe

echo
echo "== ovindex tokenize: what the model sees"
printf 'Nightly indexing skips unchanged documents.\n' | "$bin" tokenize

echo
echo "== ovindex embed: three sentences, and their cosine similarities"
printf "The weather is lovely today.\nIt's so sunny outside!\nHe drove to the stadium.\n" |
    "$bin" embed --precision f32 --quiet |
    awk -F'[][]' '{ n = split($2, v, ", "); for (i = 1; i <= n; i++) e[NR, i] = v[i]; d = n }
        END {
            split("1 2,1 3,2 3", pairs, ",")
            names[1] = "weather"; names[2] = "sunny"; names[3] = "stadium"
            for (p = 1; p <= 3; p++) {
                split(pairs[p], ab, " "); s = 0
                for (i = 1; i <= d; i++) s += e[ab[1], i] * e[ab[2], i]
                printf "%s/%s %.4f  ", names[ab[1]], names[ab[2]], s
            }
            print "\n(published for all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411)"
        }'

echo
echo '== ovindex query "how do I resume a backfill that was killed?" --store var/sample.sqlite -k 5'
"$bin" query "how do I resume a backfill that was killed?" --store var/sample.sqlite -k 5

echo
echo '== the same question, keyword search alone (BM25) and vector search reranked by late interaction'
"$bin" query "how do I resume a backfill that was killed?" --store var/sample.sqlite -k 3 --mode keyword
"$bin" query "how do I resume a backfill that was killed?" --store var/sample.sqlite -k 3 --mode vector \
    --rerank late-interaction

echo
echo '== ovindex classify: a topic for every stored document, from the vectors the store keeps (zero-shot,'
echo '   labels described in data/labels/sample-topics.jsonl; see docs/classify.md)'
"$bin" classify --store var/sample.sqlite --labels data/labels/sample-topics.jsonl | sort | sed -n 1,8p

echo
echo '== the int8 variant setup made: the sample indexed into its own store, then the same question'
echo '   (query uses the model the store recorded; see docs/models.md, "The int8 model")'
"$bin" run pipelines/sample.json --model all-MiniLM-L6-v2-int8 --store var/sample-int8.sqlite --quiet
"$bin" status var/sample-int8.sqlite --no-load | grep -E '^(model|variant|match) '
"$bin" query "how do I resume a backfill that was killed?" --store var/sample-int8.sqlite -k 3
