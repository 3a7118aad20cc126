#!/usr/bin/env python3
"""Classification benchmarks (release build): quality on labelled sets of four genres, and speed.

    scripts/bench_classify.py quality [--sets debian,man,python,info] [--seeds 5]
    scripts/bench_classify.py speed [--documents 100000] [--runs 5]

quality  builds each labelled set (scripts/make_classify_sets.py: Debian package descriptions by archive section,
         man pages by section, Python standard library modules by package, GNU info nodes by manual), indexes it
         with `ovindex run`, and runs `ovindex eval --classify` on it. Per set: the majority-class guess,
         zero-shot on every item and on the items each 16-example draw leaves, and 4 and 16 examples per label
         with the default method (logistic) and the nearest centroid, each the median over --seeds draws;
         accuracy, macro-F1, items labelled per second. Then one table of every method measured (document
         views, one or several descriptions, pooling, keyword and late-interaction evidence, centroid and
         logistic on 16 examples). The defaults were chosen on debian and man; python and info were not looked
         at while choosing.
speed    labels every document of a store of --documents synthetic documents (3 chunks each, clustered
         vectors; `ovindex-bench store-fill` bound to the real model) with `ovindex classify --store`, zero-shot
         and from examples; and classifies texts against embedding the same texts with `ovindex embed`
         (alternating, --runs each, median), on short texts (package descriptions) and long ones (man pages).

Everything is written under $TMPDIR/ovindex-bench. Results print as Markdown tables, the CPU and its flags first.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVINDEX = ROOT / ".build/release/ovindex"
BENCH = ROOT / ".build/release/ovindex-bench"
MODEL = ROOT / "data/models/all-MiniLM-L6-v2"
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench" / "classify"
TUNED = {"debian", "man"}


def cpu_line() -> str:
    model, flags = "unknown CPU", set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name") and model == "unknown CPU":
            model = line.split(":", 1)[1].strip()
        elif line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
    wanted = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8"]
    return f"{model}, {os.cpu_count()} CPUs, flags: {' '.join(f for f in wanted if f in flags) or 'none of interest'}"


def labelled_set(name: str) -> Path:
    """The set's folder, built and indexed once."""
    folder = WORK / name
    if not (folder / "gold.jsonl").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts/make_classify_sets.py"), str(WORK), "--set", name],
                       check=True)
    if not (folder / "store.sqlite").exists():
        subprocess.run([str(OVINDEX), "run", str(folder / "pipeline.json"), "--quiet"], check=True)
    first = folder / "labels-first.jsonl"
    if not first.exists():
        # The first description of each label alone: what "one description per label" scores.
        seen, lines = set(), []
        for line in open(folder / "labels.jsonl"):
            label = json.loads(line)["label"]
            if label not in seen:
                seen.add(label)
                lines.append(line)
        first.write_text("".join(lines))
    return folder


def evaluate(folder: Path, *arguments: str, labels: str = "labels.jsonl") -> dict:
    output = subprocess.run(
        [str(OVINDEX), "eval", "--store", str(folder / "store.sqlite"), "--classify", str(folder / "gold.jsonl"),
         "--labels", str(folder / labels), "--json", *arguments],
        check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def medians(folder: Path, seeds: int, *arguments: str) -> dict:
    runs = [evaluate(folder, "--seed", str(seed), *arguments) for seed in range(1, seeds + 1)]
    keys = ["accuracy", "macro_f1", "items_per_second", "items"]
    result = {key: statistics.median(run[key] for run in runs) for key in keys}
    result["spread"] = max(run["macro_f1"] for run in runs) - min(run["macro_f1"] for run in runs)
    result["majority_macro_f1"] = statistics.median(run["majority_macro_f1"] for run in runs)
    return result


def row(name: str, result: dict) -> str:
    spread = f" (±{result['spread'] / 2 * 100:.1f})" if result.get("spread") else ""
    return (f"| {name} | {result['items']:.0f} | {result['accuracy']:.3f} | {result['macro_f1']:.3f}{spread} | "
            f"{result['items_per_second']:,.0f} |")


def quality(sets: list[str], seeds: int) -> None:
    print(f"CPU: {cpu_line()}\n")
    print(f"Medians over {seeds} seeded draws of the examples (± half the spread of macro-F1 across draws); "
          "items/s is labelling only (reading the documents' vectors and scoring; the model load and the "
          "classifier's training are not counted).\n")
    comparison: dict[str, dict[str, float]] = {}
    summary = []
    for name in sets:
        folder = labelled_set(name)
        tag = "chosen on" if name in TUNED else "held out (not looked at while choosing)"
        evaluate(folder)  # warms the page cache: the first read of a store from disk is not what is measured
        zero_all = evaluate(folder)
        zero_same = medians(folder, seeds, "--examples-per-label", "16", "--method", "zero-shot")
        rows = {
            "zero-shot, every item": zero_all,
            "zero-shot, the items 16-example draws leave": zero_same,
            "4 examples per label (logistic, the default)": medians(folder, seeds, "--examples-per-label", "4"),
            "16 examples per label (logistic, the default)": medians(folder, seeds, "--examples-per-label", "16"),
            "16 examples per label, logistic, mean vector":
                medians(folder, seeds, "--examples-per-label", "16", "--view", "mean"),
            "4 examples per label, nearest centroid":
                medians(folder, seeds, "--examples-per-label", "4", "--method", "centroid"),
            "16 examples per label, nearest centroid":
                medians(folder, seeds, "--examples-per-label", "16", "--method", "centroid"),
        }
        labels = len(json.loads(json.dumps(zero_all["labels"])))
        print(f"### {name} ({zero_all['items']} documents, {labels} labels; {tag})\n")
        print("| setting | items scored | accuracy | macro-F1 | items/s |")
        print("|---|---:|---:|---:|---:|")
        print(f"| majority class | {zero_all['items']} | – | {zero_all['majority_macro_f1']:.3f} | – |")
        for label, result in rows.items():
            print(row(label, result))
        gain = (rows["16 examples per label (logistic, the default)"]["macro_f1"] - zero_same["macro_f1"]) * 100
        summary.append((name, zero_all["majority_macro_f1"], zero_all["macro_f1"], zero_same["macro_f1"],
                        rows["16 examples per label (logistic, the default)"]["macro_f1"], gain))
        print()

        methods = comparison.setdefault(name, {})
        methods["zero-shot, one description per label"] = evaluate(folder, labels="labels-first.jsonl")["macro_f1"]
        methods["zero-shot, several descriptions, best one (max pooling; default)"] = zero_all["macro_f1"]
        methods["zero-shot, several descriptions, their mean"] = evaluate(folder, "--pooling", "mean")["macro_f1"]
        methods["zero-shot, document's best chunk"] = evaluate(folder, "--view", "best-chunk")["macro_f1"]
        methods["zero-shot, chunks vote"] = evaluate(folder, "--view", "vote")["macro_f1"]
        methods["zero-shot, keyword evidence (BM25 of the descriptions)"] = \
            evaluate(folder, "--evidence", "keyword")["macro_f1"]
        methods["zero-shot, late interaction with token states"] = \
            evaluate(folder, "--evidence", "late-interaction")["macro_f1"]
        for method in ["centroid", "logistic"]:
            for view in ["mean", "best-chunk", "vote"]:
                label = f"16 examples, {'nearest centroid' if method == 'centroid' else 'logistic'}, {view}" + \
                    (" (default)" if (method, view) == ("logistic", "best-chunk") else "")
                methods[label] = medians(folder, seeds, "--examples-per-label", "16", "--method", method,
                                         "--view", view)["macro_f1"]

    print("### Every method, macro-F1 (zero-shot rows on every item; 16-example rows medians over the draws)\n")
    print("| method | " + " | ".join(f"{name}{'' if name in TUNED else ' (held out)'}" for name in sets) + " |")
    print("|---|" + "---:|" * len(sets))
    for method in next(iter(comparison.values())):
        print(f"| {method} | " + " | ".join(f"{comparison[name][method]:.3f}" for name in sets) + " |")
    print("\n### The issue's bar: 16 examples against zero-shot on the same items, zero-shot against the majority\n")
    print("| set | majority macro-F1 | zero-shot (every item) | zero-shot (same items) | 16 examples | gain, points |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, majority, zero_all, zero_same, learned, gain in summary:
        print(f"| {name} | {majority:.3f} | {zero_all:.3f} | {zero_same:.3f} | {learned:.3f} | {gain:+.1f} |")


def classify_store(store: Path, labels: Path, examples: Path | None) -> tuple[float, float, int]:
    """(wall seconds, the labelling rate ovindex reports, documents) of one `classify --store`."""
    command = [str(OVINDEX), "classify", "--store", str(store), "--labels", str(labels), "--json"]
    if examples:
        command += ["--examples", str(examples)]
    started = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    match = re.search(r"(\d+) documents in [\d.]+ s \((\d+)/s\)", result.stderr)
    assert match, result.stderr
    lines = result.stdout.count("\n")
    assert lines == int(match.group(1)), (lines, match.group(1))
    return wall, float(match.group(2)), lines


def timed(command: list[str], input_path: Path) -> float:
    with open(input_path) as source:
        started = time.perf_counter()
        subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - started


def speed(documents: int, runs: int) -> None:
    print(f"CPU: {cpu_line()}\n")
    WORK.mkdir(parents=True, exist_ok=True)
    store = WORK / f"synthetic-{documents}.sqlite"
    if not store.exists():
        subprocess.run([str(BENCH), "store-fill", str(store), str(documents * 3), "3", "1", str(MODEL)], check=True)
    debian = labelled_set("debian")
    labels = debian / "labels.jsonl"
    names = [json.loads(line)["label"] for line in open(labels)]
    names = list(dict.fromkeys(names))
    generator = random.Random(7)
    keys = generator.sample(range(documents), 16 * len(names))
    examples = WORK / "synthetic-examples.jsonl"
    examples.write_text("".join(
        json.dumps({"label": names[index % len(names)], "document": f"doc-{key:08d}"}) + "\n"
        for index, key in enumerate(keys)))
    print(f"### Labelling a store of {documents:,} documents ({documents * 3:,} chunks) from its vectors\n")
    print(f"{runs} runs each, median. The rate is what `ovindex classify` reports (documents over the time from "
          "the first document read to the last line written); wall clock adds starting, loading the model "
          "and embedding the descriptions.\n")
    print("| setting | labels | documents/s | wall clock, s |")
    print("|---|---:|---:|---:|")
    for name, extra in [("zero-shot", None), (f"logistic, {len(keys)} example documents", examples)]:
        measured = [classify_store(store, labels, extra) for _ in range(runs)]
        assert all(count == documents for _, _, count in measured)
        print(f"| {name} | {len(names)} | {statistics.median(m[1] for m in measured):,.0f} | "
              f"{statistics.median(m[0] for m in measured):.2f} |")

    print("\n### Classifying texts against embedding them (`ovindex classify` vs `ovindex embed`, same texts)\n")
    print(f"Alternating runs, {runs} each, wall clock, median; texts/s over the whole command.\n")
    print("| texts | count | embed texts/s | classify texts/s | classify / embed |")
    print("|---|---:|---:|---:|---:|")
    for name in ["debian", "man"]:
        folder = labelled_set(name)
        corpus = folder / "corpus.jsonl"
        count = sum(1 for _ in open(corpus))
        set_labels = folder / "labels.jsonl"
        embed, classify = [], []
        for _ in range(runs):
            embed.append(timed([str(OVINDEX), "embed", "--jsonl", "--quiet"], corpus))
            classify.append(timed([str(OVINDEX), "classify", "--labels", str(set_labels), "--jsonl", "--quiet"],
                                  corpus))
        embed_rate = count / statistics.median(embed)
        classify_rate = count / statistics.median(classify)
        kind = "package descriptions (short)" if name == "debian" else "man pages (up to 6,000 characters)"
        print(f"| {kind} | {count} | {embed_rate:,.1f} | {classify_rate:,.1f} | {classify_rate / embed_rate:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    quality_parser = commands.add_parser("quality")
    quality_parser.add_argument("--sets", default="debian,man,python,info")
    quality_parser.add_argument("--seeds", type=int, default=5)
    speed_parser = commands.add_parser("speed")
    speed_parser.add_argument("--documents", type=int, default=100_000)
    speed_parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    if not OVINDEX.exists():
        sys.exit(f"{OVINDEX} is missing: run 'swift build -c release' (or 'make release') first")
    if arguments.command == "quality":
        quality(arguments.sets.split(","), arguments.seeds)
    else:
        speed(arguments.documents, arguments.runs)


if __name__ == "__main__":
    main()
