#!/usr/bin/env python3
"""Tokenizer throughput: ovindex (Swift, release) against Hugging Face `tokenizers`, single-threaded, same text.

    make bench-tokenizer         # builds release, installs `tokenizers` into .deps/venv if needed, runs this

Corpora (built here from text on the machine, nothing downloaded):
  stdlib-files       the Python standard library's .py files, one document per file (English prose in
                     docstrings and comments, plus code)
  stdlib-paragraphs  the same text, one document per blank-line-separated paragraph
  multilingual       the tokenizer golden file's texts (many scripts, emoji, CJK), repeated

For each corpus the two tokenizers run alternately (RUNS times each); the table shows medians of MB/s of UTF-8
input, and whether both produced the same ids (token count and a checksum over every id).
"""

import glob
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"  # before tokenizers is imported: single-threaded
os.environ["TOKENIZERS_PARALLELISM"] = "false"

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "data/models/all-MiniLM-L6-v2"
BENCH = ROOT / ".build/release/ovindex-bench"
GOLDEN = ROOT / "Tests/TokenizerTests/Golden/all-MiniLM-L6-v2.jsonl"
MASK = (1 << 64) - 1


def corpora(work: Path) -> dict[str, Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files, total = [], 0
    for path in sorted(glob.glob(str(stdlib / "**/*.py"), recursive=True)):
        try:
            files.append(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        total += len(files[-1].encode())
        if total > 20_000_000:  # enough for stable timings; the whole stdlib takes minutes in tokenizers
            break
    paragraphs = [p for text in files for p in text.split("\n\n") if p.strip()]
    golden = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").split("\n")[1:] if line]
    texts = [g["text"] for g in golden if "pair" not in g and g["text"]]
    multilingual = texts * max(1, 5_000_000 // sum(len(t.encode()) for t in texts))
    out = {}
    for name, docs in (("stdlib-files", files), ("stdlib-paragraphs", paragraphs), ("multilingual", multilingual)):
        path = work / f"{name}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for doc in docs:
                f.write(json.dumps({"text": doc}, ensure_ascii=False) + "\n")
        out[name] = path
    return out


def checksum(encodings) -> tuple[int, str]:
    h, n = 0xCBF29CE484222325, 0
    for e in encodings:
        for i in e.ids:
            h = ((h * 0x100000001B3) & MASK) ^ i
        n += len(e.ids)
    return n, format(h, "x")


def run_hf(tokenizer, docs, nbytes):
    start = time.perf_counter()
    encodings = tokenizer.encode_batch(docs, add_special_tokens=False)
    seconds = time.perf_counter() - start
    tokens, digest = checksum(encodings)
    return {"mb_per_s": nbytes / 1e6 / seconds, "tokens": tokens, "checksum": digest}


def run_swift(path: Path):
    out = subprocess.run([str(BENCH), "tokenize", str(MODEL), str(path), "1"], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    import tokenizers
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    with tempfile.TemporaryDirectory() as tmp:
        paths = corpora(Path(tmp))
        print(f"tokenizers {tokenizers.__version__} (RAYON_NUM_THREADS=1) vs ovindex-bench (release); "
              f"{runs} alternating runs each, medians\n")
        print(f"| corpus | documents | MB | ovindex MB/s | tokenizers MB/s | ratio | same ids |")
        print(f"| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, path in paths.items():
            docs = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").split("\n") if line]
            nbytes = sum(len(d.encode()) for d in docs)
            swift, hf = [], []
            for _ in range(runs):
                swift.append(run_swift(path))
                hf.append(run_hf(tokenizer, docs, nbytes))
            s = statistics.median(r["mb_per_s"] for r in swift)
            h = statistics.median(r["mb_per_s"] for r in hf)
            same = swift[0]["tokens"] == hf[0]["tokens"] and swift[0]["checksum"] == hf[0]["checksum"]
            print(f"| {name} | {len(docs)} | {nbytes / 1e6:.1f} | {s:.1f} | {h:.2f} | {s / h:.1f}x | "
                  f"{'yes' if same else 'NO'} ({swift[0]['tokens']} tokens) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
