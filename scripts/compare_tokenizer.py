#!/usr/bin/env python3
"""Compare `ovindex tokenize` with Hugging Face `tokenizers` on any texts (developer tool).

    .deps/venv/bin/python scripts/compare_tokenizer.py FILE.jsonl [--model DIR] [--binary PATH]
    .deps/venv/bin/python scripts/compare_tokenizer.py --all-code-points

FILE.jsonl holds {"id": ..., "text": ...} records. Prints every record whose ids or offsets differ (first 20)
and a summary; exits 1 if any differ. --all-code-points checks every Unicode scalar, alone and between
letters ("x?y"), in one generated file.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def report(record, mine, tokens, offsets):
    first = next((i for i, (a, b) in enumerate(zip(zip(mine["ids"], mine["offsets"]), zip(tokens, offsets)))
                  if a[1] != b[1] or mine["tokens"][i] != b[0]), min(len(tokens), len(mine["ids"])))
    lo = max(0, first - 3)
    print(f"id {record.get('id')}: first difference at token {first}")
    print(f"  tokenizers {list(zip(tokens, offsets))[lo:first + 5]}")
    print(f"  ovindex    {list(zip(mine['tokens'], mine['offsets']))[lo:first + 5]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--model", type=Path, default=ROOT / "data/models/all-MiniLM-L6-v2")
    parser.add_argument("--binary", type=Path, default=ROOT / ".build/release/ovindex")
    parser.add_argument("--all-code-points", action="store_true")
    args = parser.parse_args()

    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(args.model / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file
        if args.all_code_points:
            path = Path(tmp) / "code-points.jsonl"
            with open(path, "w", encoding="utf-8") as f:
                for cp in range(0x110000):
                    if 0xD800 <= cp <= 0xDFFF:
                        continue
                    c = chr(cp)
                    f.write(json.dumps({"id": cp, "text": f"{c} x{c}y a\u0301{c}"}) + "\n")
        elif path is None:
            parser.error("give a FILE or --all-code-points")
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
        command = [str(args.binary), "tokenize", str(path), "--jsonl", "--model", str(args.model),
                   "--max-line-bytes", "1000000000"]
        differ = 0
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, encoding="utf-8") as process:
            for record, line in zip(records, process.stdout):
                mine = json.loads(line)
                theirs = tokenizer.encode(record["text"])
                offsets = [list(o) for o in theirs.offsets]
                if mine["ids"] != theirs.ids or mine["offsets"] != offsets:
                    differ += 1
                    if differ <= 20:
                        report(record, mine, theirs.tokens, offsets)
        if process.returncode != 0:
            return 2
    print(f"{differ} of {len(records)} records differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
