#!/usr/bin/env python3
"""This build's `ovindex run` against another build's, end to end, on the same corpus (release builds).

    scripts/bench_compare.py --baseline PATH_TO_OTHER_OVINDEX [--runs 3] [--mb 4]

Each round indexes the Python standard library's .py files as text (--mb megabytes, the corpus of the other
benchmarks) into a new store with each build in turn (default settings, model load included), and the table
gives the medians of the wall time and of what each run reported: documents, chunks, tokens, rejects, peak RSS.
A refactor that should not change indexing should show the same counts and the same speed within the noise.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pipeline  # noqa: E402
import bench_stop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def run_once(binary: Path, corpus: Path, store: Path) -> dict:
    for path in store.parent.glob(store.name + "*"):
        path.unlink()
    started = time.perf_counter()
    out = subprocess.run([str(binary), "run", "--source", str(corpus), "--store", str(store), "--quiet", "--json"],
                         check=True, capture_output=True, text=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["wall"] = time.perf_counter() - started
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=int, default=4)
    args = parser.parse_args()
    bench_pipeline.WORK.mkdir(exist_ok=True)
    corpus = bench_pipeline.stdlib_corpus(args.mb)
    builds = {"this build": ROOT / ".build/release/ovindex", "baseline": args.baseline}
    results: dict[str, list[dict]] = {name: [] for name in builds}
    for _ in range(args.runs):
        for name, binary in builds.items():
            results[name].append(run_once(binary, corpus, bench_pipeline.WORK / "compare.sqlite"))
    print(f"CPU: {bench_stop.cpu()}")
    print(f"corpus: {args.mb} MB of the Python standard library; {args.runs} alternating rounds, medians\n")
    print("| build | seconds | tokens/s | documents indexed | rejects | chunks | tokens | peak RSS MB | seconds per run |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, runs in results.items():
        def median(key: str) -> float:
            return statistics.median(float(run[key]) for run in runs)
        wall = median("wall")
        print(f"| {name} | {wall:.1f} | {median('tokens') / wall:,.0f} | {median('documents_indexed'):.0f} | "
              f"{median('rejects'):.0f} | {median('chunks'):.0f} | {median('tokens'):.0f} | "
              f"{median('peak_rss_bytes') / 1e6:.0f} | {', '.join('%.1f' % run['wall'] for run in runs)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
