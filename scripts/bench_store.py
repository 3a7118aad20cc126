#!/usr/bin/env python3
"""Vector store retrieval benchmark (release build): top-10 latency, memory and int8 recall.

    make bench-store            # 10k, 100k and 1M chunks (the 1M store takes ~2 minutes and 2.7 GB to build)
    scripts/bench_store.py 10000 100000

For each size, builds a synthetic store once (clustered 384-d unit vectors; kept in $TMPDIR/ovindex-bench for
later runs), then runs `ovindex-bench store-query` RUNS times (separate processes) and reports medians:
p50/p95 of top-10 search (int8 scan of every chunk + exact f32 re-scoring of 100 candidates), the same with a
metadata filter, the exact f32 scan read from SQLite, index load time, the index's memory, the process's peak
RSS, and recall@10 of the int8 path against the exact scan.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".build/release/ovindex-bench"
RUNS = 3


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    folder = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench"
    folder.mkdir(exist_ok=True)
    rows = []
    for size in sizes:
        store = folder / f"store-{size}.sqlite"
        if not store.exists():
            fill = subprocess.run([str(BENCH), "store-fill", str(store), str(size)], check=True, capture_output=True,
                                  text=True)
            print(f"built {store}: {json.loads(fill.stdout)}", file=sys.stderr)
        runs = []
        for _ in range(RUNS):
            out = subprocess.run([str(BENCH), "store-query", str(store), "200", "20"], check=True,
                                 capture_output=True, text=True).stdout
            runs.append(json.loads(out))
        median = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "bench"}
        rows.append((size, median, store.stat().st_size))
    print(f"ovindex-bench store-query, release, {RUNS} processes per size, medians "
          f"(200 queries each; recall on 20)\n")
    print("| chunks | p50 ms | p95 ms | filtered p50 ms | exact f32 scan p50 ms | load s | index MB | peak RSS MB | "
          "recall@10 | store file MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, m, file_bytes in rows:
        print(f"| {size:,} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m['filtered_p50_ms']:.1f} | "
              f"{m['exact_p50_ms']:.0f} | {m['load_seconds']:.2f} | {m['index_mb']:.0f} | {m['peak_rss_mb']:.0f} | "
              f"{m['recall_at_10']:.3f} | {file_bytes / 1e6:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
