#!/usr/bin/env python3
"""Chooses the int8 model's quantization settings by measurement (release build; needs `make setup`).

    scripts/bench_int8.py [accuracy retrieval speed speed-no-amx profile] [--runs 3] [--mb 4] [--mb-no-amx 1]
                          [--chunks 2048]

For each preset of scripts/quantize_model.py (calibrated exactly as setup does it), against the model setup
converts (run by ovindex in bf16 on this CPU, its default):

accuracy   cosine between each candidate's sentence vector and the f32 model's (OpenVINO, inference precision
           f32) on --chunks real 128-token windows of the evaluation set's documents, and the overlap of each
           window's 10 nearest neighbours among them (f32 neighbours as the truth); the same cosine on the
           evaluation set's questions, one at a time (short texts are where int8 loses most).
retrieval  `ovindex run` indexes the evaluation set (scripts/make_eval_set.py) with each model and `ovindex
           eval --mode vector,hybrid --rerank none` reports recall@10 and MRR@10.
speed      `ovindex run` end to end (wall time, model load included) over --mb megabytes of the Python
           standard library as text, each model in turn, --runs rounds, medians; tokens/s from the run's report.
speed-no-amx
           the same over --mb-no-amx megabytes with ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16, which keeps oneDNN
           from using AMX: an emulation of a CPU with AVX-512 BF16 and VNNI but no AMX, not a real one (some
           OpenVINO kernels may still see the real CPU). The original model at f32 is added, since without AMX
           bf16 need not be its fastest precision.
profile    where one batch's time goes (OpenVINO's per-layer counters, one request, batches of 32 real windows of
           256, 128 and 32 tokens), split into fully connected layers, attention subgraphs and the rest, with and
           without AMX; and, on this CPU, the most any int8 model could gain if its fully connected layers ran
           twice as fast as in bf16 (AMX's peak int8/bf16 ratio; int8 also halves the bytes moved) and nothing
           else got faster.

Everything is written under $TMPDIR/ovindex-bench. Results print as Markdown tables.
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OVINDEX = ROOT / ".build/release/ovindex"
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench"
BASE = ROOT / "data/models/all-MiniLM-L6-v2"
sys.path.insert(0, str(ROOT / "scripts"))
import bench_pipeline  # noqa: E402
import quantize_model  # noqa: E402


def candidates(quantize: bool = True) -> dict[str, Path]:
    """bf16 (the base model as ovindex runs it) and one quantized directory per preset, calibrated as setup does
    (or, with `quantize` false, as an earlier run of this script left it)."""
    models = {"bf16 (original)": BASE}
    shipped = json.loads((BASE.parent / "all-MiniLM-L6-v2-int8/manifest.json").read_text())["weights_sha256"]
    for preset in quantize_model.PRESETS:
        folder = WORK / "int8" / preset
        if quantize or not (folder / "manifest.json").exists():
            print(f"quantizing with preset {preset}", file=sys.stderr)
            subprocess.run([sys.executable, str(ROOT / "scripts/quantize_model.py"), str(BASE), str(folder),
                            "--preset", preset], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        weights = json.loads((folder / "manifest.json").read_text())["weights_sha256"]
        models[f"int8 {preset}" + (" (shipped)" if weights == shipped else "")] = folder
    return models


def windows(count: int, length: int = 128) -> np.ndarray:
    """Token windows ([CLS] ... [SEP], `length` long) of the evaluation set's documents."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(BASE / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    rows = []
    with open(eval_set() / "stdlib-docs.jsonl") as handle:
        for line in handle:
            ids = tokenizer.encode(json.loads(line)["text"], add_special_tokens=False).ids
            for start in range(0, len(ids) - (length - 2) + 1, length - 2):
                rows.append([101] + ids[start : start + length - 2] + [102])
                if len(rows) == count:
                    return np.asarray(rows, dtype=np.int64)
    return np.asarray(rows, dtype=np.int64)


def compiled_model(folder: Path, precision: str | None, config: dict[str, str] | None = None):
    import openvino as ov

    config = (config or {}) | ({"INFERENCE_PRECISION_HINT": precision} if precision else {})
    return ov.Core().compile_model(str(folder / "model.xml"), "CPU", config)


def model_inputs(ids: np.ndarray) -> dict[str, np.ndarray]:
    return {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}


def run_model(compiled, ids: np.ndarray) -> np.ndarray:
    return compiled(model_inputs(ids))[compiled.output("sentence_embedding")]


def sentence_vectors(folder: Path, ids: np.ndarray, precision: str | None) -> np.ndarray:
    compiled = compiled_model(folder, precision)
    return np.concatenate([run_model(compiled, ids[start : start + 32]) for start in range(0, len(ids), 32)])


def question_vectors(folder: Path, questions: list[list[int]], precision: str | None) -> np.ndarray:
    """One question at a time, unpadded, as `ovindex query` embeds them."""
    compiled = compiled_model(folder, precision)
    return np.concatenate([run_model(compiled, np.asarray([ids], dtype=np.int64)) for ids in questions])


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def neighbours(vectors: np.ndarray, k: int = 10) -> np.ndarray:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return np.argsort(-similarity, axis=1)[:, :k]


def layer_times(request, ids: np.ndarray) -> dict[str, float]:
    """Milliseconds of one batch by layer kind, from OpenVINO's per-layer counters."""
    request.infer(model_inputs(ids))
    times = {"fully connected": 0.0, "attention": 0.0, "other": 0.0}
    for layer in request.profiling_info:
        if layer.node_type.startswith("FullyConnected"):  # also FullyConnectedQuantizedLegacy (int8 out)
            kind = "fully connected"
        else:
            kind = "attention" if layer.node_type == "Subgraph" else "other"
        times[kind] += layer.real_time.total_seconds() * 1000
    return times


def profile(models: dict[str, Path], label: str, bound: bool, rounds: int = 9,
            lengths: tuple[int, ...] = (256, 128, 32)) -> None:
    """Prints where each model's batches go (models interleaved batch by batch, medians over `rounds`) and, with
    `bound`, the most int8 could gain over bf16 at each length."""
    print(f"\nWhere one batch of 32 windows goes, {label} (ms per batch, OpenVINO per-layer counters, one request, "
          f"models interleaved, medians of {rounds})\n")
    print("| tokens | model | total | fully connected | attention subgraphs | other | vs bf16 |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    bounds = []
    for length in lengths:
        ids = windows(32, length)
        # A compiled model per length: after a request has run another shape, some layers' counters are stale.
        requests = {name: compiled_model(folder, None, {"PERF_COUNT": "YES", "PERFORMANCE_HINT": "LATENCY"})
                    .create_infer_request() for name, folder in models.items()}
        samples = {name: [] for name in models}
        for lap in range(rounds + 1):
            for name, request in requests.items():
                times = layer_times(request, ids)
                if lap > 0:  # the first lap warms up (shape-specific compilation)
                    samples[name].append(times | {"total": sum(times.values())})
        medians = {name: {kind: statistics.median(t[kind] for t in values) for kind in values[0]}
                   for name, values in samples.items()}
        base = medians["bf16 (original)"]
        share = base["fully connected"] / base["total"]
        bounds.append((length, share, 1 / ((1 - share) + share / 2)))
        for name, times in medians.items():
            print(f"| {length} | {name} | {times['total']:.1f} | {times['fully connected']:.1f} | "
                  f"{times['attention']:.1f} | {times['other']:.1f} | {base['total'] / times['total']:.2f}x |")
    print()
    for length, share, best in bounds if bound else []:
        print(f"- {length} tokens: fully connected layers are {share:.0%} of the bf16 batch; int8 fully connected "
              f"layers at twice their bf16 speed, all else unchanged, would make the batch at most {best:.2f}x faster")
    sys.stdout.flush()


def questions() -> list[list[int]]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(BASE / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(256)
    with open(eval_set() / "stdlib-queries.jsonl") as handle:
        return [tokenizer.encode(json.loads(line)["query"]).ids for line in handle]


def accuracy(models: dict[str, Path], count: int) -> dict[str, tuple[float, ...]]:
    ids = windows(count)
    reference = sentence_vectors(BASE, ids, "f32")
    truth = neighbours(reference)
    asked = questions()
    asked_reference = question_vectors(BASE, asked, "f32")
    rows = {}
    for name, folder in models.items():
        vectors = sentence_vectors(folder, ids, None)
        cosine = cosines(reference, vectors)
        found = neighbours(vectors)
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, found)])
        asked_cosine = cosines(asked_reference, question_vectors(folder, asked, None))
        rows[name] = (float(cosine.mean()), float(cosine.min()), float(overlap), float(asked_cosine.mean()),
                      float(asked_cosine.min()))
    return rows


def eval_set() -> Path:
    folder = WORK / "evalset"
    if not (folder / "stdlib-queries.jsonl").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts/make_eval_set.py"), str(folder)], check=True)
    return folder


def clean(store: Path) -> None:
    for path in store.parent.glob(store.name + "*"):
        path.unlink()


def retrieval(models: dict[str, Path]) -> dict[str, dict[str, tuple[float, float]]]:
    folder = eval_set()
    rows = {}
    for number, (name, model) in enumerate(models.items()):
        store = WORK / "int8" / f"eval-{number}.sqlite"
        clean(store)
        subprocess.run([str(OVINDEX), "run", "--source", str(folder / "stdlib-docs.jsonl"), "--store", str(store),
                        "--model", str(model), "--quiet"], check=True)
        out = subprocess.run([str(OVINDEX), "eval", "--store", str(store), "--queries", str(folder / "stdlib-queries.jsonl"),
                              "--model", str(model), "--mode", "vector,hybrid", "--rerank", "none", "--json",
                              "--quiet"], check=True, capture_output=True, text=True).stdout
        rows[name] = {r["mode"]: (r["recall_at_10"], r["mrr_at_10"]) for r in map(json.loads, out.splitlines())}
    return rows


def speed(models: dict[str, Path], runs: int, megabytes: int, environment: dict | None = None,
          extra: dict[str, tuple[Path, list[str]]] | None = None) -> dict[str, list[tuple[float, float]]]:
    corpus = bench_pipeline.stdlib_corpus(megabytes)
    store = WORK / "int8" / "speed.sqlite"
    configurations = {name: (model, []) for name, model in models.items()} | (extra or {})
    rows = {name: [] for name in configurations}
    for _ in range(runs):
        for name, (model, flags) in configurations.items():
            clean(store)
            started = time.perf_counter()
            out = subprocess.run([str(OVINDEX), "run", "--source", str(corpus), "--store", str(store), "--model",
                                  str(model), "--json", "--quiet", *flags], check=True, capture_output=True, text=True,
                                 env={**os.environ, **(environment or {})}).stdout
            seconds = time.perf_counter() - started
            rows[name].append((seconds, json.loads(out)["tokens"] / seconds))
    return rows


def print_speed(rows: dict[str, list[tuple[float, float]]]) -> None:
    base = statistics.median(s for s, _ in rows["bf16 (original)"])
    print("| model | seconds | tokens/s | vs bf16 | seconds per run |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, values in rows.items():
        seconds = statistics.median(s for s, _ in values)
        print(f"| {name} | {seconds:.1f} | {statistics.median(t for _, t in values):,.0f} | {base / seconds:.2f}x "
              f"| {', '.join('%.1f' % s for s, _ in values)} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=int, default=4)
    parser.add_argument("--chunks", type=int, default=2048)
    parser.add_argument("--mb-no-amx", type=int, default=1)
    everything = ["accuracy", "retrieval", "speed", "speed-no-amx", "profile"]
    parser.add_argument("benchmarks", nargs="*", default=everything, metavar="BENCHMARK")
    args = parser.parse_args()
    for unknown in set(args.benchmarks) - set(everything + ["profile-no-amx"]):
        parser.error(f"unknown benchmark {unknown!r} (choose from {', '.join(everything)})")
    if "profile-no-amx" in args.benchmarks:
        # Run by "profile" in a process of its own: oneDNN reads ONEDNN_MAX_CPU_ISA once per process.
        if args.benchmarks != ["profile-no-amx"] or os.environ.get("ONEDNN_MAX_CPU_ISA") != "AVX512_CORE_BF16":
            parser.error("profile-no-amx is run by profile, alone, with ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16")
        # No bound here: oneDNN's bf16 kernels without AMX are far from the hardware's bf16 peak.
        profile(candidates(quantize=False), "without AMX (ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16, an emulation)",
                bound=False)
        return 0
    (WORK / "int8").mkdir(parents=True, exist_ok=True)
    models = candidates()
    if "accuracy" in args.benchmarks:
        rows = accuracy(models, args.chunks)
        print(f"\nAgainst the f32 model: {args.chunks} real 128-token windows of the evaluation set's documents "
              f"(batches of 32), and its {len(questions())} questions (one at a time)\n")
        print("| model | windows: mean cosine | min cosine | top-10 neighbour overlap | questions: mean cosine "
              "| min cosine |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, (mean, low, overlap, asked_mean, asked_low) in rows.items():
            print(f"| {name} | {mean:.4f} | {low:.4f} | {overlap:.3f} | {asked_mean:.4f} | {asked_low:.4f} |")
        sys.stdout.flush()
    if "retrieval" in args.benchmarks:
        rows = retrieval(models)
        print("\nRetrieval on the evaluation set (ovindex eval, --rerank none)\n")
        print("| model | vector recall@10 | vector MRR@10 | hybrid recall@10 | hybrid MRR@10 |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, modes in rows.items():
            print(f"| {name} | {modes['vector'][0]:.3f} | {modes['vector'][1]:.3f} | {modes['hybrid'][0]:.3f} | "
                  f"{modes['hybrid'][1]:.3f} |")
        sys.stdout.flush()
    if "speed" in args.benchmarks:
        rows = speed(models, args.runs, args.mb)
        print(f"\nIndexing speed: `ovindex run` over {args.mb} MB of the Python stdlib as text, wall time with model "
              f"load, {args.runs} alternating rounds, medians\n")
        print_speed(rows)
        sys.stdout.flush()
    if "speed-no-amx" in args.benchmarks:
        # An emulation, not a real CPU: oneDNN told not to use AMX, as on a CPU with AVX-512 BF16 and VNNI only.
        rows = speed(models, args.runs, args.mb_no_amx, {"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"},
                     {"f32 (original)": (BASE, ["--precision", "f32"])})
        print(f"\nIndexing speed without AMX (ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16, an emulation): `ovindex run` over "
              f"{args.mb_no_amx} MB, {args.runs} alternating rounds, medians\n")
        print_speed(rows)
    if "profile" in args.benchmarks:
        profile(models, "this CPU", bound=True)
        subprocess.run([sys.executable, __file__, "profile-no-amx"], check=True,
                       env={**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
