#!/usr/bin/env python3
"""How long `ovindex run` takes to stop after its first SIGINT or SIGTERM, at default settings (release build).

    scripts/bench_stop.py [--runs 5] [--mb 4] [--baseline PATH_TO_ANOTHER_OVINDEX]

On the Python standard library's .py files as text (--mb megabytes, the corpus the other benchmarks use): a run
with the default settings is started on a new store; once its first documents are committed (so that the
model is loaded and every queue is full) and after a further --delay seconds, it is sent SIGINT, and the time
until it exits is measured, with its exit status and how many documents it had committed. --baseline runs
another build (an older checkout's release binary) the same way, alternating with this one. Medians of --runs.
"""

import argparse
import os
import signal
import sqlite3
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


def cpu() -> str:
    """The CPU model and the flags that decide which kernels OpenVINO uses."""
    model, flags = "unknown", set()
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name") and model == "unknown":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    relevant = [f for f in ("avx2", "avx_vnni", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8",
                            "amx_tile") if f in flags]
    return f"{model}, {os.cpu_count()} CPUs, flags: {' '.join(relevant) or 'none of AVX2/AVX-512/AMX'}"


def committed(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def stop_once(binary: Path, corpus: Path, store: Path, delay: float) -> tuple[float, int, int]:
    for path in store.parent.glob(store.name + "*"):
        path.unlink()
    process = subprocess.Popen([str(binary), "run", "--source", str(corpus), "--store", str(store), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and committed(store) == 0:
        time.sleep(0.05)
    time.sleep(delay)
    if process.poll() is not None:
        raise SystemExit("the run finished before it could be stopped: use a larger --mb")
    started = time.perf_counter()
    process.send_signal(signal.SIGINT)
    status = process.wait()
    return time.perf_counter() - started, status, committed(store)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=4)
    parser.add_argument("--delay", type=float, default=3.0)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    corpus = bench_pipeline.stdlib_corpus(args.mb)
    builds = {"this build": OVINDEX}
    if args.baseline:
        builds["baseline"] = args.baseline
    results: dict[str, list[tuple[float, int, int]]] = {name: [] for name in builds}
    for _ in range(args.runs):
        for name, binary in builds.items():
            results[name].append(stop_once(binary, corpus, WORK / "stop.sqlite", args.delay))
    print(f"CPU: {cpu()}")
    print(f"corpus: {args.mb} MB of the Python standard library; SIGINT {args.delay} s after the first commit; "
          f"{args.runs} runs each, alternating")
    print()
    print("| build | seconds to exit (median) | each run | exit statuses | documents committed |")
    print("| --- | ---: | --- | --- | --- |")
    for name, runs in results.items():
        seconds = [run[0] for run in runs]
        print(f"| {name} | {statistics.median(seconds):.2f} | {', '.join(f'{s:.2f}' for s in seconds)} | "
              f"{', '.join(str(run[1]) for run in runs)} | {', '.join(str(run[2]) for run in runs)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
