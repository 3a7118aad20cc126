#!/usr/bin/env python3
"""`ovindex embed` throughput (release build): sentences/s for short and long texts, bf16 (runtime default)
and f32, several alternating runs, medians.

    make bench-embed

Texts come from the Python standard library's docstrings on this machine: "short" are single sentences
(about 10-20 tokens), "long" are paragraphs joined until they reach the model's 256-token maximum.
Throughput is what `ovindex embed` reports: texts embedded per second after the model is loaded.
"""

import ast
import glob
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/release/ovindex"


def docstrings(limit: int) -> list[str]:
    out = []
    for path in sorted(glob.glob(sysconfig.get_paths()["stdlib"] + "/*.py")):
        try:
            tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    out.append(" ".join(doc.split()))
        if len(out) >= limit:
            break
    return out


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    docs = docstrings(20000)
    sentences = [s for d in docs for s in re.split(r"(?<=[.!?])\s+", d) if 40 <= len(s) <= 120][:4000]
    long_texts, current = [], ""
    for d in docs:
        current += " " + d
        if len(current) > 1600:  # ~300+ tokens: truncated to 256
            long_texts.append(current.strip())
            current = ""
        if len(long_texts) >= 400:
            break
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, texts in (("short", sentences), ("long", long_texts)):
            files[name] = Path(tmp) / f"{name}.txt"
            files[name].write_text("\n".join(texts) + "\n", encoding="utf-8")
        print(f"ovindex embed (release), {runs} alternating runs, medians; texts/s after model load\n")
        print("| texts | count | tokens/text | bf16 (auto) texts/s | f32 texts/s | bf16/f32 |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, path in files.items():
            rates = {"auto": [], "f32": []}
            tokens = 0
            count = 0
            for _ in range(runs):
                for precision in rates:
                    result = subprocess.run([str(BINARY), "embed", str(path), "--precision", precision],
                                            capture_output=True, text=True, check=True)
                    m = re.search(r"(\d+) texts, (\d+) tokens in ([\d.]+) s \((\d+) texts/s\)", result.stderr)
                    count, tokens = int(m.group(1)), int(m.group(2))
                    rates[precision].append(count / float(m.group(3)))
            auto, f32 = statistics.median(rates["auto"]), statistics.median(rates["f32"])
            print(f"| {name} | {count} | {tokens / count:.0f} | {auto:.0f} | {f32:.0f} | {auto / f32:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
