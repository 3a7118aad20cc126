#!/usr/bin/env python3
"""`ovindex run` against the raw OpenVINO engine on the same chunks, for each model variant (release build).

    scripts/bench_engine.py [endtoend compile workers] [--runs 3] [--mb 2] [--variants original int8] [--best-only]

endtoend  For each installed variant (the original model, and its int8 variant): `ovindex run` over --mb megabytes
          of the Python standard library as text, end to end (whole process, model load included), and the raw
          engine over the very chunks that run stored (their texts re-tokenized), pre-tokenized, inference only:
          OpenVINO's Python API, batches cut as ovindex cuts them (grouped by length under an 8,192-token budget,
          padded to a multiple of 16) and in plain batches of 32, with the latency hint (one request) and the
          throughput hint (two requests in flight). Rounds alternate; medians. Tokens are what the model ran for
          each chunk, on both sides: its context (the document's title and a colon), its text and the special
          tokens, padding excluded (`ovindex run` reports its tokens without the title pieces).
compile   the model's load and compile time in a new process (what every run pays before its first batch),
          without and with OpenVINO's model cache (CACHE_DIR), and the whole-process time of a nightly run with
          nothing to do and with 1% of the documents changed, without and with the cache.
workers   one `ovindex run` with OpenVINO's defaults against two `--shard I/2` workers with `--threads 1` each,
          started together, with and without CPU pinning (`OVINDEX_CPU_PINNING`), on the same corpus.

Prints the CPU model and its relevant flags with every table. Everything is written under $TMPDIR/ovindex-bench.
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OVINDEX = ROOT / ".build/release/ovindex"
MODELS = ROOT / "data/models"
sys.path.insert(0, str(ROOT / "scripts"))
import bench_pipeline  # noqa: E402
import bench_stop  # noqa: E402

WORK = bench_pipeline.WORK
VARIANTS = {"original": MODELS / "all-MiniLM-L6-v2", "int8": MODELS / "all-MiniLM-L6-v2-int8"}


def clean(store: Path) -> None:
    for path in store.parent.glob(store.name + "*"):
        path.unlink()


def ovindex_run(corpus: Path, store: Path, model: Path, *flags: str, environment: dict | None = None) -> dict:
    clean(store)
    started = time.perf_counter()
    out = subprocess.run([str(OVINDEX), "run", "--source", str(corpus), "--store", str(store), "--model", str(model),
                          "--json", "--quiet", *flags], check=True, capture_output=True, text=True,
                         env={**os.environ, **(environment or {})}).stdout
    report = json.loads(out.strip().splitlines()[-1])
    report["wall"] = time.perf_counter() - started
    return report


def stored_chunks(store: Path, model: Path) -> list[list[int]]:
    """The token ids the model ran for every chunk the store holds, re-tokenized: [CLS], the context the chunk
    carries and a colon (its document's title, when it has one), its text, [SEP]."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as connection:
        rows = list(connection.execute("SELECT context, text FROM chunks ORDER BY id"))
    chunks = []
    for context, text in rows:
        prefix = tokenizer.encode(context + ":", add_special_tokens=False).ids if context else []
        chunks.append([101] + (prefix + tokenizer.encode(text, add_special_tokens=False).ids)[:254] + [102])
    return chunks


def ovindex_batches(chunks: list[list[int]], budget: int = 8192, rows: int = 256, multiple: int = 16):
    """Batches as `TokenBatcher` cuts them: by length, under a token budget counted with padding."""
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
    batches, current, widest = [], [], 0
    for index in order:
        width = -(-len(chunks[index]) // multiple) * multiple
        if current and (max(widest, width) * (len(current) + 1) > budget or len(current) >= rows):
            batches.append(current)
            current, widest = [], 0
        current.append(index)
        widest = max(widest, width)
    if current:
        batches.append(current)
    return [padded([chunks[i] for i in batch], multiple) for batch in batches]


def plain_batches(chunks: list[list[int]], size: int = 32):
    return [padded(chunks[start : start + size], 16) for start in range(0, len(chunks), size)]


def padded(rows: list[list[int]], multiple: int) -> dict[str, np.ndarray]:
    width = -(-max(len(r) for r in rows) // multiple) * multiple
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def raw(model: Path, batches, hint: str, requests: int) -> float:
    """Seconds to run every batch (compiling excluded), with `requests` batches in flight."""
    import openvino as ov

    compiled = ov.Core().compile_model(str(model / "model.xml"), "CPU", {"PERFORMANCE_HINT": hint})
    queue = ov.AsyncInferQueue(compiled, requests)
    queue.start_async(batches[0])  # the first shape's one-off cost is not the engine's speed
    queue.wait_all()
    started = time.perf_counter()
    for batch in batches:
        queue.start_async(batch)
    queue.wait_all()
    return time.perf_counter() - started


def endtoend(args) -> None:
    corpus = bench_pipeline.stdlib_corpus(args.mb)
    store = WORK / "engine.sqlite"
    prepared = {}
    variants = {name: model for name, model in VARIANTS.items() if name in args.variants}
    for name, model in variants.items():
        report = ovindex_run(corpus, store, model)
        chunks = stored_chunks(store, model)
        tokens = sum(len(c) for c in chunks)
        prepared[name] = (chunks, tokens, ovindex_batches(chunks), plain_batches(chunks))
        print(f"{name}: {report['documents_indexed']} documents, {len(chunks)} chunks, {report['tokens']} tokens "
              f"(ovindex), {tokens} (re-tokenized)", file=sys.stderr)
    rows: dict[str, list[float]] = {}
    configurations = [("ovindex's batches", "THROUGHPUT", 2)] if args.best_only else [
        (label, hint, requests) for label in ("ovindex's batches", "batches of 32")
        for hint, requests in (("LATENCY", 1), ("THROUGHPUT", 2))]
    for _ in range(args.runs):
        for name, model in variants.items():
            chunks, tokens, grouped, plain = prepared[name]
            report = ovindex_run(corpus, store, model)
            # The same tokens on both sides: what the model ran (titles and special tokens included), which
            # `ovindex run` reports without the title pieces.
            rows.setdefault(f"{name}: `ovindex run`, whole process", []).append(tokens / report["wall"])
            rows.setdefault(f"{name}: `ovindex run`, after the model is loaded", []).append(
                tokens / float(report["seconds"]))
            for label, hint, requests in configurations:
                batches = grouped if label == "ovindex's batches" else plain
                seconds = raw(model, batches, hint, requests)
                rows.setdefault(f"{name}: raw, {label}, {hint.lower()} hint, {requests} request(s)", []).append(
                    tokens / seconds)
    print(f"\nCPU: {bench_stop.cpu()}")
    print(f"{args.mb} MB of the Python standard library; {args.runs} alternating rounds, medians\n")
    best_label = {name: max((k for k in rows if k.startswith(name + ": raw")), key=lambda k: statistics.median(rows[k]))
                  for name in variants}
    best = {name: statistics.median(rows[label]) for name, label in best_label.items()}
    original_label = "original: `ovindex run`, whole process"
    original = statistics.median(rows[original_label]) if original_label in rows else None
    print("| configuration | tokens/s | vs the variant's best raw | vs `ovindex run` original | each round |"
          " vs best raw, same round (median) |")
    print("| --- | ---: | ---: | ---: | --- | ---: |")
    for label, values in rows.items():
        value = statistics.median(values)
        name = label.split(":")[0]
        # Each round's ratio against the best raw configuration of the same round: the machine's speed drifts
        # between rounds more than within one.
        paired = statistics.median(v / b for v, b in zip(values, rows[best_label[name]]))
        against_original = f"{value / original:.2f}x" if original else "–"
        print(f"| {label} | {value:,.0f} | {value / best[name]:.2f} | {against_original} | "
              f"{', '.join(f'{v:,.0f}' for v in values)} | {paired:.2f} |")


def compile_times(args) -> None:
    cache = WORK / "ov-cache"
    script = (
        "import openvino as ov, sys, time\n"
        "started = time.perf_counter()\n"
        "config = {'CACHE_DIR': sys.argv[2]} if sys.argv[2] else {}\n"
        "ov.Core().compile_model(sys.argv[1], 'CPU', config)\n"
        "print(time.perf_counter() - started)\n"
    )
    # A copy of the even corpus (2 KB documents), so that 1% of its documents can be changed before a run.
    corpus = WORK / "nightly-corpus"
    subprocess.run(["rm", "-rf", str(corpus)], check=True)
    subprocess.run(["cp", "-r", str(even_corpus(args.mb)), str(corpus)], check=True)
    documents = sorted(corpus.glob("*.txt"))
    store = WORK / "nightly.sqlite"
    print(f"\nCPU: {bench_stop.cpu()}")
    print(f"Nightly runs over {len(documents)} documents of 2 KB ({args.mb} MB); 1% changed: "
          f"{max(1, len(documents) // 100)} documents rewritten before each run; whole-process seconds, "
          f"{args.runs} alternating rounds, medians\n")
    print("| model | load + compile, no cache (s) | with CACHE_DIR, warm (s) | nightly run, nothing to do: "
          "no cache (s) | with the cache (s) | nightly run, 1% changed: no cache (s) | with the cache (s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    edits = 0

    def change_one_percent() -> None:
        nonlocal edits
        edits += 1
        for document in documents[edits % 7 :: 100]:
            with document.open("a") as file:
                file.write(f"\nEdited in round {edits}.\n")

    for name, model in VARIANTS.items():
        subprocess.run(["rm", "-rf", str(cache)], check=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(store) + suffix).unlink(missing_ok=True)
        ovindex_run(corpus, store, model)  # the store the nightly runs find (almost) unchanged
        cold, warm, nightly, nightly_cached, changed, changed_cached = [], [], [], [], [], []
        subprocess.run([sys.executable, "-c", script, str(model / "model.xml"), str(cache)], check=True,
                       capture_output=True)

        def timed_run(environment: dict) -> float:
            started = time.perf_counter()
            subprocess.run([str(OVINDEX), "run", "--source", str(corpus), "--store", str(store), "--model",
                            str(model), "--quiet"], check=True, env={**os.environ, **environment})
            return time.perf_counter() - started

        for _ in range(args.runs):
            for into, directory in ((cold, ""), (warm, str(cache))):
                out = subprocess.run([sys.executable, "-c", script, str(model / "model.xml"), directory],
                                     check=True, capture_output=True, text=True).stdout
                into.append(float(out))
            for into, environment in ((nightly, {"OVINDEX_CACHE_DIR": ""}), (nightly_cached, {})):
                into.append(timed_run(environment))
            for into, environment in ((changed, {"OVINDEX_CACHE_DIR": ""}), (changed_cached, {})):
                change_one_percent()
                into.append(timed_run(environment))
        print(f"| {name} | {statistics.median(cold):.2f} | {statistics.median(warm):.2f} | "
              f"{statistics.median(nightly):.2f} | {statistics.median(nightly_cached):.2f} | "
              f"{statistics.median(changed):.2f} | {statistics.median(changed_cached):.2f} |")


def even_corpus(megabytes: int, size: int = 2048) -> Path:
    """The stdlib text cut into documents of `size` bytes: shards by document hash then get even work, so that
    what is measured is how the workers share the cores, not how the corpus happens to split."""
    folder = WORK / f"even-{megabytes}mb"
    if folder.exists():
        return folder
    folder.mkdir()
    text = "".join(p.read_text() for p in sorted(bench_pipeline.stdlib_corpus(megabytes).rglob("*.txt")))
    for index, start in enumerate(range(0, len(text), size)):
        (folder / f"doc-{index:05d}.txt").write_text(text[start : start + size])
    return folder


def workers(args) -> None:
    corpus = even_corpus(args.mb)
    folder = WORK / "workers"
    folder.mkdir(exist_ok=True)
    model = VARIANTS["original"]

    def run(count: int, flags: list[str], environment: dict) -> float:
        for path in folder.glob("*"):
            path.unlink()
        started = time.perf_counter()
        processes = [subprocess.Popen(
            [str(OVINDEX), "run", "--source", str(corpus), "--store", str(folder / "index.sqlite"), "--model",
             str(model), "--quiet", *(["--shard", f"{i}/{count}"] if count > 1 else []), *flags],
            env={**os.environ, **environment}) for i in range(count)]
        ended = []
        for process in processes:
            if process.wait() != 0:
                raise SystemExit(f"a worker failed with status {process.returncode}")
            ended.append(time.perf_counter() - started)
        if count > 1:
            print(f"  {flags} {environment}: workers ended after {', '.join('%.1f' % e for e in ended)} s",
                  file=sys.stderr)
        return time.perf_counter() - started

    configurations = {
        "1 worker, OpenVINO's defaults": (1, [], {}),
        "2 workers, --threads 1 --requests 1 each, pinned to cores (OpenVINO's default)":
            (2, ["--threads", "1", "--requests", "1"], {"OVINDEX_CPU_PINNING": "yes"}),
        "2 workers, --threads 1 --requests 1 each, as ovindex runs them": (2, ["--threads", "1", "--requests", "1"], {}),
    }
    rows = {name: [] for name in configurations}
    for _ in range(args.runs):
        for name, (count, flags, environment) in configurations.items():
            rows[name].append(run(count, flags, environment))
    base = statistics.median(rows["1 worker, OpenVINO's defaults"])
    print(f"\nCPU: {bench_stop.cpu()}")
    print(f"{args.mb} MB of the Python standard library cut into 2 KB documents; {args.runs} alternating rounds, "
          "medians\n")
    print("| configuration | seconds | speed vs 1 worker | each round |")
    print("| --- | ---: | ---: | --- |")
    for name, values in rows.items():
        seconds = statistics.median(values)
        print(f"| {name} | {seconds:.1f} | {base / seconds:.2f}x | {', '.join('%.1f' % v for v in values)} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("benchmarks", nargs="*", default=["endtoend", "compile", "workers"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=int, default=2)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS),
                        help="endtoend: the variants to measure (default: all)")
    parser.add_argument("--best-only", action="store_true",
                        help="endtoend: only the raw engine's best configuration (ovindex's batches, throughput hint, "
                             "two requests), for more rounds in the same time")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    for name in args.benchmarks:
        {"endtoend": endtoend, "compile": compile_times, "workers": workers}[name](args)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
