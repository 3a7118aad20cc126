#!/usr/bin/env python3
"""Scale-out benchmark (release build): one worker against two workers sharing this machine, and merge speed.

    scripts/bench_scaleout.py [--runs 2] [--mb 4]

On the Python standard library's .py files as text (--mb megabytes): the wall time of `ovindex run` over
the whole corpus, against two `ovindex run --shard I/2` processes started together (with OpenVINO's
defaults, and with --threads 1 --requests 1 each so they do not fight over the two cores), and the time
of `ovindex merge` of the two shards (chunks/s). Configurations alternate; medians of --runs.
Everything is written under $TMPDIR/ovindex-bench.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVINDEX = ROOT / ".build/release/ovindex"
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench"
sys.path.insert(0, str(ROOT / "scripts"))
import bench_pipeline  # noqa: E402


def clean(store: Path) -> None:
    for path in store.parent.glob(store.stem + "*"):
        path.unlink()


def workers(corpus: Path, store: Path, count: int, extra: list[str]) -> float:
    clean(store)
    started = time.perf_counter()
    processes = [subprocess.Popen([str(OVINDEX), "run", "--source", str(corpus), "--store", str(store), "--quiet",
                                   *(["--shard", f"{i}/{count}"] if count > 1 else []), *extra])
                 for i in range(count)]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit(f"a worker failed with status {process.returncode}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--mb", type=int, default=4)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    corpus = bench_pipeline.stdlib_corpus(args.mb)
    folder = WORK / "scaleout"
    folder.mkdir(exist_ok=True)
    configurations = {
        "1 worker": (1, []),
        "2 workers, OpenVINO defaults": (2, []),
        "2 workers, --threads 1 --requests 1 each": (2, ["--threads", "1", "--requests", "1"]),
    }
    times = {name: [] for name in configurations}
    merges = []
    for _ in range(args.runs):
        for name, (count, extra) in configurations.items():
            store = folder / f"{'one' if count == 1 else 'two'}.sqlite"
            times[name].append(workers(corpus, store, count, extra))
            if count == 2:
                merged = folder / "merged.sqlite"
                clean(merged)
                shards = sorted(str(p) for p in folder.glob("two.shard-*-of-2.sqlite"))
                out = subprocess.run([str(OVINDEX), "merge", str(merged), *shards, "--json", "--quiet"],
                                     check=True, capture_output=True, text=True).stdout
                rows = [json.loads(line) for line in out.splitlines()]
                merges.append(sum(r["chunks"] for r in rows) / sum(r["seconds"] for r in rows))
    one = statistics.median(times["1 worker"])
    print(f"\nScale-out: {args.mb} MB corpus (Python stdlib as text), {args.runs} alternating runs, medians, "
          f"wall time including model loads\n")
    print("| configuration | seconds | speed-up |")
    print("| --- | ---: | ---: |")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.1f} | {one / median:.2f}x |")
    print(f"\nmerge: {statistics.median(merges):,.0f} chunks/s (median of {len(merges)} merges of 2 shards)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
