#!/usr/bin/env python3
"""Query and rerank benchmarks, and the retrieval evaluation (release build).

    scripts/bench_query.py latency [--runs 3]   query latency per mode at 100k chunks, rerank vs raw inference
    scripts/bench_query.py eval [--sets stdlib,man,info,node]
                                                ovindex eval on each evaluation set, one table per set

latency  builds (once) a store of about 100k chunks: the Python standard library's .py files as text
         (20 MB), cut into 64-token chunks and embedded with the real model. Questions are the evaluation
         set's 455 summaries. Each mode is timed with `ovindex query --queries FILE --json` (models loaded
         once, not timed; the per-query milliseconds it reports), --runs times, median of the p50s and p95s.
         Then `ovindex-bench rerank` times reranking 20 and 100 candidates against raw inference on the same
         pairs in the same process: late interaction with the embedding model, and a cross-encoder of
         ms-marco-MiniLM-L6-v2's size (random weights: timing only; scripts/make_test_models.py --minilm-size).
eval     builds each evaluation set (scripts/make_eval_set.py: Python stdlib docstrings, Linux man pages,
         GNU info manuals, Node.js's Markdown API pages), indexes it with `ovindex run` (default settings), and
         runs `ovindex eval` for every mode and rerank stage. The query defaults were chosen on stdlib and man
         (scripts/tune_query.py); info and node were not looked at while choosing, and their tables are what a
         new corpus would see. The Markdown set is also indexed with --structure none, and a last table compares
         chunks cut at headings and labelled with them against plain chunks.

Everything is written under $TMPDIR/ovindex-bench. Results print as Markdown tables.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVINDEX = ROOT / ".build/release/ovindex"
BENCH = ROOT / ".build/release/ovindex-bench"
PYTHON = ROOT / ".deps/venv/bin/python"
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench"

sys.path.insert(0, str(ROOT / "scripts"))
import bench_pipeline  # noqa: E402


GENRES = {
    "stdlib": "Python standard library module and class summaries (docstrings)",
    "man": "Linux man pages, sections 2, 3, 5, 7: the NAME line's description",
    "info": "GNU info manuals: a menu's description of a node",
    "node": "Node.js API pages in Markdown (nodejs-doc), one document per level-2 section: the first sentence "
            "under a lower heading",
}
MARKDOWN_SETS = ("node",)
TUNED_ON = ("stdlib", "man")


def eval_set(genre: str = "stdlib") -> Path:
    """The folder holding GENRE-docs.jsonl and GENRE-queries.jsonl (built once)."""
    folder = WORK / "evalsets"
    if not (folder / f"{genre}-queries.jsonl").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts/make_eval_set.py"), str(folder), "--genre", genre],
                       check=True)
    return folder


def cpu_line() -> str:
    model, flags = "unknown CPU", set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name") and model == "unknown CPU":
            model = line.split(":", 1)[1].strip()
        elif line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
    wanted = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"]
    return f"{model}, {os.cpu_count()} CPUs, flags: {' '.join(f for f in wanted if f in flags) or 'none of interest'}"


def store_100k() -> Path:
    store = WORK / "query-100k.sqlite"
    if store.exists():
        return store
    corpus = bench_pipeline.stdlib_corpus(20)
    definition = WORK / "query-100k.json"
    definition.write_text(json.dumps({"store": store.name, "sources": [{"path": corpus.name}],
                                      "chunking": {"max_tokens": 64, "overlap_tokens": 0}}))
    print(f"building {store} (several minutes, once)", file=sys.stderr)
    subprocess.run([str(OVINDEX), "run", str(definition), "--quiet"], check=True)
    return store


def percentile(values, fraction):
    """Nearest rank, as ovindex eval computes it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(len(ordered), rank) - 1]


def latency(args) -> None:
    store = store_100k()
    queries = eval_set() / "stdlib-queries.jsonl"
    info = subprocess.run([str(OVINDEX), "store", "info", str(store)], capture_output=True, text=True).stdout
    chunks = next((line.split()[1] for line in info.splitlines() if line.startswith("chunks")), "?")
    rows = {}
    settings = {
        "vector": ["--mode", "vector", "--rerank", "none"],
        "keyword": ["--mode", "keyword", "--rerank", "none"],
        "hybrid": ["--mode", "hybrid", "--rerank", "none"],
        "default (hybrid + late interaction from kept states)": [],
    }
    for run in range(args.runs):
        for name, flags in settings.items():
            out = subprocess.run([str(OVINDEX), "query", "--queries", str(queries), "--store", str(store), "--json",
                                  "-k", "10"] + flags, check=True, capture_output=True, text=True).stdout
            ms = [json.loads(line)["milliseconds"] for line in out.splitlines()]
            rows.setdefault(name, []).append((percentile(ms, 0.5), percentile(ms, 0.95), len(ms)))
    size = store.stat().st_size
    print(f"\nQuery latency, {cpu_line()}: {chunks} chunks ({size / 1e6:.0f} MB), {rows['vector'][0][2]} queries, "
          f"top 10, default candidates, model load excluded; {args.runs} runs, medians\n")
    print("| mode | p50 ms | p95 ms | p50 per run |")
    print("| --- | ---: | ---: | --- |")
    for mode, runs in rows.items():
        print(f"| {mode} | {statistics.median(r[0] for r in runs):.1f} | {statistics.median(r[1] for r in runs):.1f} "
              f"| {', '.join('%.1f' % r[0] for r in runs)} |")

    models = WORK / "models"
    subprocess.run([str(PYTHON), str(ROOT / "scripts/make_test_models.py"), "--minilm-size", str(models)], check=True)
    out = subprocess.run([str(BENCH), "rerank", str(store), str(queries), "--reranker",
                          str(models / "random-minilm-cross-encoder"), "--queries", str(args.rerank_queries)],
                         check=True, capture_output=True, text=True).stdout
    print(f"\nRerank latency: {args.rerank_queries} queries, vector candidates (64-token chunks), medians; "
          "raw = inference alone on the same pairs, prepared beforehand, same batches, same process\n")
    print("| stage | candidates | rerank p50 ms | rerank p95 ms | raw inference p50 ms | rerank / raw |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for line in out.splitlines():
        r = json.loads(line)
        print(f"| {r['method']} | {r['candidates']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['raw_p50_ms']:.1f} "
              f"| {r['ratio']:.2f} |")


def index_and_evaluate(documents: Path, queries: Path, store: Path, run_options=()) -> list[dict]:
    """Indexes `documents` into a new `store` and returns `ovindex eval`'s rows for every mode and stage."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(store) + suffix).unlink(missing_ok=True)
    subprocess.run([str(OVINDEX), "run", "--source", str(documents), "--store", str(store), "--quiet", *run_options],
                   check=True)
    command = [str(OVINDEX), "eval", "--store", str(store), "--queries", str(queries), "--json", "--quiet"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def evaluation(args) -> None:
    print(f"\nRetrieval evaluation, {cpu_line()}; release build, models loaded once (not timed)")
    for genre in args.sets.split(","):
        folder = eval_set(genre)
        store = WORK / f"eval-{genre}.sqlite"
        queries = folder / f"{genre}-queries.jsonl"
        rows = index_and_evaluate(folder / f"{genre}-docs.jsonl", queries, store)
        documents = sum(1 for _ in open(folder / f"{genre}-docs.jsonl"))
        role = ("parameters chosen on it" if genre in TUNED_ON
                else "query parameters NOT chosen on it (held out); the chunks' Markdown structure was measured on it"
                if genre in MARKDOWN_SETS else "NOT used to choose anything (held out)")
        print(f"\n{genre}: {GENRES[genre]}; {documents} documents, {rows[0]['queries']} questions; {role}\n")
        print("| mode | rerank | recall@1 | recall@10 | MRR@10 | p50 ms | p95 ms |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            mark = " **(default)**" if r.get("default") else ""
            print(f"| {r['mode']} | {r['rerank']}{mark} | {r['recall_at_1']:.3f} | {r['recall_at_10']:.3f} | "
                  f"{r['mrr_at_10']:.3f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |")
        plain = [r for r in rows if r["rerank"] == "none"]
        chosen = next((r for r in rows if r.get("default")), None)
        if chosen and plain:
            best = max(plain, key=lambda r: r["mrr_at_10"])
            vector = next(r for r in plain if r["mode"] == "vector")
            print(f"\ndefault MRR@10 {chosen['mrr_at_10']:.3f}: {chosen['mrr_at_10'] - best['mrr_at_10']:+.3f} against "
                  f"the best without reranking ({best['mode']}), {chosen['mrr_at_10'] - vector['mrr_at_10']:+.3f} "
                  "against plain vector")
        sys.stdout.flush()
        if genre in MARKDOWN_SETS:
            plain = index_and_evaluate(folder / f"{genre}-docs.jsonl", queries, WORK / f"eval-{genre}-plain.sqlite",
                                       ["--structure", "none"])
            print(f"\n{genre}, chunks cut at Markdown headings and labelled with them (the default, structure auto) "
                  "against plain chunks (--structure none), MRR@10:\n")
            print("| mode | rerank | plain | by headings | difference |")
            print("| --- | --- | ---: | ---: | ---: |")
            for before, after in zip(plain, rows):
                print(f"| {after['mode']} | {after['rerank']} | {before['mrr_at_10']:.3f} | {after['mrr_at_10']:.3f} | "
                      f"{after['mrr_at_10'] - before['mrr_at_10']:+.3f} |")
            sys.stdout.flush()
    print("\nDefault query (ovindex query with no flags): hybrid candidates (the vector list and the keyword list "
          "at weight 0.5, fused by reciprocal rank), 40 of them, reranked by late interaction from the token states "
          "the store keeps (punctuation and common words of the question left out), the reranked order fused with "
          "the candidates' first ranks at weight 2.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("benchmarks", nargs="*", default=["eval", "latency"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rerank-queries", type=int, default=30)
    parser.add_argument("--sets", default="stdlib,man,info,node", help="evaluation sets, comma-separated")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    os.chdir(WORK)
    for name in args.benchmarks:
        {"latency": latency, "eval": evaluation}[name](args)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
