#!/usr/bin/env python3
"""How the logistic classifier's two settings were chosen: a grid over the penalty that holds its weights near the
labels' descriptions and the scale of that prior, on the tuning sets only (developer tool; numpy).

    .deps/venv/bin/python scripts/tune_classify.py [--sets debian,man] [--seeds 5]

Reads each labelled set that scripts/bench_classify.py built and indexed (under $TMPDIR/ovindex-bench/classify):
the documents' chunk vectors with `ovindex export`, the descriptions' vectors with `ovindex embed`. Then, for 4
and 16 examples per label drawn per seed (numpy's generator: not the draws `ovindex eval` makes), it trains the
same model as `SoftmaxRegression` (full-batch gradient descent with momentum from the scaled description
centroids, an L2 penalty towards them; documents as their mean vector) and prints the mean macro-F1 of each
setting on the items not drawn. The defaults in Sources/Classification/SoftmaxRegression.swift come from the
settings with the best mean over both sets and both k (those within 0.005 of the best were told apart with
`ovindex eval`); the held-out sets (python, info) are not read.
"""

import argparse
import json
import os
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OVINDEX = ROOT / ".build/release/ovindex"
WORK = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "ovindex-bench" / "classify"
PENALTIES = [0.0, 0.0001, 0.001, 0.01, 0.1]
SCALES = [1, 2, 5, 10, 20]


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def load(name: str):
    folder = WORK / name
    if not (folder / "store.sqlite").exists():
        raise SystemExit(f"{folder}/store.sqlite is missing: run scripts/bench_classify.py quality first")
    chunks = defaultdict(list)
    exported = subprocess.run([str(OVINDEX), "export", str(folder / "store.sqlite")], check=True,
                              capture_output=True, text=True).stdout
    for line in exported.splitlines():
        row = json.loads(line)
        chunks[row["document"]].append(row["vector"])
    labels, texts = [], []
    for line in open(folder / "labels.jsonl"):
        row = json.loads(line)
        if row["label"] not in labels:
            labels.append(row["label"])
        texts.append((row["label"], row["description"]))
    embedded = subprocess.run([str(OVINDEX), "embed", "--quiet"], input="\n".join(t for _, t in texts),
                              check=True, capture_output=True, text=True).stdout
    vectors = [json.loads(line)["embedding"] for line in embedded.splitlines()]
    descriptions = defaultdict(list)
    for (label, _), vector in zip(texts, vectors):
        descriptions[label].append(vector)
    gold = [json.loads(line) for line in open(folder / "gold.jsonl")]
    documents = unit(np.array([unit(np.array(chunks[g["document"]], dtype=np.float32)).sum(0) for g in gold]))
    truth = np.array([labels.index(g["label"]) for g in gold])
    prior = unit(np.array([unit(np.array(descriptions[label])).sum(0) for label in labels]))
    return documents, truth, prior


def macro_f1(truth: np.ndarray, predicted: np.ndarray, count: int) -> float:
    scores = []
    for label in range(count):
        hits = np.sum((predicted == label) & (truth == label))
        precision = hits / max(1, np.sum(predicted == label))
        recall = hits / max(1, np.sum(truth == label))
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return float(np.mean(scores))


def train(x, y, prior, penalty, steps=300, rate=0.5, momentum=0.9):
    weights, bias = prior.copy(), np.zeros(len(prior))
    velocity, bias_velocity = np.zeros_like(weights), np.zeros_like(bias)
    targets = np.eye(len(prior))[y]
    for _ in range(steps):
        logits = x @ weights.T + bias
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        gradient = (p - targets).T @ x / len(y) + penalty * (weights - prior)
        velocity = momentum * velocity - rate * gradient
        weights += velocity
        bias_velocity = momentum * bias_velocity - rate * (p - targets).mean(0)
        bias += bias_velocity
    return weights, bias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="debian,man")
    parser.add_argument("--seeds", type=int, default=5)
    arguments = parser.parse_args()
    results: dict[tuple, list[float]] = defaultdict(list)
    names = arguments.sets.split(",")
    for name in names:
        documents, truth, prior = load(name)
        for k in [4, 16]:
            for seed in range(1, arguments.seeds + 1):
                generator = np.random.default_rng(seed)
                drawn = []
                for label in np.unique(truth):
                    members = np.where(truth == label)[0]
                    drawn += list(generator.permutation(members)[:min(k, len(members) - 1)])
                rest = np.setdiff1d(np.arange(len(truth)), drawn)
                for penalty in PENALTIES:
                    for scale in SCALES:
                        weights, bias = train(documents[drawn], truth[drawn], prior * scale, penalty)
                        predicted = (documents[rest] @ weights.T + bias).argmax(1)
                        results[(name, k, penalty, scale)].append(macro_f1(truth[rest], predicted, len(prior)))
    columns = [(name, k) for name in names for k in [4, 16]]
    print("| penalty | prior scale | " + " | ".join(f"{n}, k={k}" for n, k in columns) + " | mean |")
    print("|---:|---:|" + "---:|" * (len(columns) + 1))
    best = max(((p, s) for p in PENALTIES for s in SCALES),
               key=lambda ps: np.mean([np.mean(results[(n, k) + ps]) for n, k in columns]))
    for penalty in PENALTIES:
        for scale in SCALES:
            cells = [np.mean(results[(n, k, penalty, scale)]) for n, k in columns]
            mark = "**" if (penalty, scale) == best else ""
            print(f"| {mark}{penalty}{mark} | {mark}{scale}{mark} | " + " | ".join(f"{c:.3f}" for c in cells)
                  + f" | {np.mean(cells):.3f} |")
    means = {(p, s): np.mean([np.mean(results[(n, k, p, s)]) for n, k in columns]) for p in PENALTIES for s in SCALES}
    top = means[best]
    close = sorted((ps for ps in means if means[ps] >= top - 0.005), key=lambda ps: -means[ps])
    print(f"\nbest mean: penalty {best[0]}, prior scale {best[1]} ({top:.3f}); within 0.005 of it: "
          + ", ".join(f"penalty {p} scale {s} ({means[(p, s)]:.3f})" for p, s in close))
    print("Between settings that close, the choice is made with `ovindex eval --classify` on the tuning sets "
          "(its own draws, the shipped document view): see docs/measurements/2026-12-08-classification.md.")


if __name__ == "__main__":
    main()
