#!/usr/bin/env python3
"""Indexing pipeline benchmarks (release build), on corpora built from text on this machine.

    make bench-pipeline                       # all four
    scripts/bench_pipeline.py throughput mixed nightly memory [--runs N] [--mb N]

throughput  end to end (`ovindex-bench pipeline`) against raw inference over the same chunks, pre-tokenized,
            in the same process; corpus: the Python standard library's .py files as text (default 20 MB)
mixed       JSON Lines texts of 5 to 500 words (--distribution uniform or loguniform): padding fraction and
            throughput with length grouping against batches of 32 in arrival order, alternating runs
nightly     after a full run, change 1% of the documents and run again (`ovindex run`, wall time including
            model load) against the full run's time
memory      peak RSS indexing a 5 MB corpus, against a 1 GB generated corpus stopped with SIGINT after
            --minutes (default 10)

Everything is written under $TMPDIR/ovindex-bench. Results print as Markdown tables.
"""

import argparse
import glob
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".build/release/ovindex-bench"
OVINDEX = ROOT / ".build/release/ovindex"
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench"


def stdlib_corpus(megabytes: int) -> Path:
    folder = WORK / f"stdlib-{megabytes}mb"
    if folder.exists():
        return folder
    stdlib = sysconfig.get_paths()["stdlib"]
    total = 0
    for path in sorted(glob.glob(stdlib + "/**/*.py", recursive=True)):
        data = Path(path).read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        destination = folder / (os.path.relpath(path, stdlib) + ".txt")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        total += len(data)
        if total >= megabytes * 1_000_000:
            break
    return folder


def words_pool() -> list[str]:
    stdlib = sysconfig.get_paths()["stdlib"]
    words = []
    for path in sorted(glob.glob(stdlib + "/*.py"))[:200]:
        words += re.findall(r"[A-Za-z][a-z]+", Path(path).read_text(encoding="utf-8", errors="replace"))
    return words


def definition(name: str, sources: list[dict], **extra) -> Path:
    path = WORK / f"{name}.json"
    store = WORK / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(store) + suffix).unlink(missing_ok=True)
    path.write_text(json.dumps({"store": store.name, "sources": sources, **extra}))
    return path


def bench_pipeline(path: Path, *flags: str) -> dict:
    out = subprocess.run([str(BENCH), "pipeline", str(path), *flags], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(args) -> None:
    corpus = stdlib_corpus(args.mb)
    runs = []
    for _ in range(args.runs):
        runs.append(bench_pipeline(definition("throughput", [{"path": corpus.name}]), "--raw"))
    m = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "bench"}
    size = sum(f.stat().st_size for f in corpus.rglob("*") if f.is_file()) / 1e6
    print(f"\nThroughput: {size:.1f} MB corpus ({m['documents']:.0f} documents, {m['chunks']:.0f} chunks, "
          f"{m['tokens']:.0f} tokens), {args.runs} run(s), medians\n")
    print("| | seconds | chunks/s | tokens/s |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| end to end (`ovindex run` pipeline) | {m['seconds']:.1f} | {m['chunks_per_s']:.1f} | "
          f"{m['tokens_per_s']:.0f} |")
    print(f"| raw inference, same chunks | {m['raw_seconds']:.1f} | {m['raw_chunks'] / m['raw_seconds']:.1f} | "
          f"{m['raw_tokens_per_s']:.0f} |")
    per_run = ", ".join("%.1f%%" % (r["end_to_end_vs_raw"] * 100) for r in runs)
    print(f"\nend to end / raw: {m['end_to_end_vs_raw'] * 100:.1f}% (per run: {per_run}); "
          f"padding {m['padding_fraction'] * 100:.1f}%; peak RSS {m['peak_rss_mb']:.0f} MB")
    (WORK / "throughput-full-seconds.txt").write_text(str(m["seconds"]))


def mixed(args) -> None:
    path = WORK / f"mixed-{args.distribution}.jsonl"
    rng = random.Random(5)
    words = words_pool()
    with open(path, "w") as f:
        for index in range(3000):
            if args.distribution == "uniform":
                length = rng.randint(5, 500)
            else:  # log-uniform: as many texts of 5-50 words as of 50-500, like most real collections
                length = int(round(math.exp(rng.uniform(math.log(5), math.log(500)))))
            start = rng.randrange(0, len(words) - length)
            f.write(json.dumps({"id": index, "text": " ".join(words[start:start + length])}) + "\n")
    results = {"grouped": [], "arrival": []}
    for _ in range(args.runs):
        results["grouped"].append(bench_pipeline(definition("mixed-grouped", [{"path": path.name}])))
        results["arrival"].append(bench_pipeline(
            definition("mixed-arrival", [{"path": path.name}], batching={"max_rows": 32}), "--no-grouping"))
    print(f"\nMixed lengths: 3000 JSON Lines texts of 5-500 words ({args.distribution}), {args.runs} alternating "
          f"runs, medians\n")
    print("| batching | seconds | chunks/s | tokens/s | padding |")
    print("| --- | ---: | ---: | ---: | ---: |")
    medians = {}
    for name, label in (("grouped", "by length, 8192-token budget"), ("arrival", "arrival order, 32 rows")):
        m = {key: statistics.median(r[key] for r in results[name]) for key in results[name][0] if key != "bench"}
        medians[name] = m
        print(f"| {label} | {m['seconds']:.1f} | {m['chunks_per_s']:.1f} | {m['tokens_per_s']:.0f} | "
              f"{m['padding_fraction'] * 100:.1f}% |")
    print(f"\nspeed-up from grouping: {medians['arrival']['seconds'] / medians['grouped']['seconds']:.2f}x")


def nightly(args) -> None:
    corpus = stdlib_corpus(args.mb)
    store = WORK / "throughput.sqlite"
    full_file = WORK / "throughput-full-seconds.txt"
    if not store.exists() or not full_file.exists():
        throughput(args)
    full = float(full_file.read_text())
    copy = WORK / f"nightly-corpus"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(corpus, copy)
    nightly_store = WORK / "nightly.sqlite"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(store) + suffix)
        if src.exists():
            shutil.copy(src, str(nightly_store) + suffix)
    files = sorted(p for p in copy.rglob("*.txt"))
    # The store's keys are paths relative to the source folder: the copy keeps them.
    rng = random.Random(1)
    changed = rng.sample(files, max(1, len(files) // 100))
    for path in changed:
        path.write_text(path.read_text() + "\n# changed for the nightly benchmark\n")
    started = time.perf_counter()
    out = subprocess.run([str(OVINDEX), "run", "--source", str(copy), "--store", str(nightly_store), "--json",
                          "--quiet"], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    report = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\nNightly: {len(changed)} of {len(files)} documents changed (1%)\n")
    print("| run | seconds | documents indexed | unchanged | chunks embedded |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| full (throughput run, pipeline only) | {full:.1f} | {len(files)} | 0 | |")
    print(f"| nightly (`ovindex run`, whole process) | {seconds:.1f} | {report['documents_indexed']} | "
          f"{report['documents_unchanged']} | {report['embeddings_computed']} |")
    print(f"\nnightly / full: 1/{full / seconds:.0f}")


def memory(args) -> None:
    small = WORK / "memory-5mb"
    if not small.exists():
        subprocess.run([str(BENCH), "corpus", str(small), "5"], check=True)
    large = WORK / "memory-1gb"
    if not large.exists():
        subprocess.run([str(BENCH), "corpus", str(large), "1000"], check=True)
    results = {}
    for name, folder in (("5 MB", small), ("1 GB", large)):
        store = WORK / f"memory-{name.replace(' ', '')}.sqlite"
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(str(store) + suffix).unlink(missing_ok=True)
        process = subprocess.Popen([str(OVINDEX), "run", "--source", str(folder), "--store", str(store), "--json",
                                    "--quiet"], stdout=subprocess.PIPE, text=True)
        if name == "1 GB":
            try:
                process.wait(timeout=args.minutes * 60)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGINT)
        out, _ = process.communicate()
        results[name] = json.loads(out.strip().splitlines()[-1])
    print(f"\nMemory: peak RSS of `ovindex run` (the 1 GB run stopped with SIGINT after {args.minutes} min)\n")
    print("| corpus | outcome | documents indexed | chunks | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, r in results.items():
        print(f"| {name} | {r['outcome']} | {r['documents_indexed']} | {r['chunks']} | "
              f"{r['peak_rss_bytes'] / 1_048_576:.0f} |")
    ratio = results["1 GB"]["peak_rss_bytes"] / results["5 MB"]["peak_rss_bytes"]
    print(f"\nlarge / small: {ratio:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("benchmarks", nargs="*", default=["throughput", "mixed", "nightly", "memory"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--distribution", choices=["uniform", "loguniform"], default="uniform",
                        help="text lengths for mixed (default uniform)")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    os.chdir(WORK)
    for name in args.benchmarks:
        {"throughput": throughput, "mixed": mixed, "nightly": nightly, "memory": memory}[name](args)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
