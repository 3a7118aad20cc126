#!/usr/bin/env python3
"""Builds a retrieval evaluation set from the Python standard library's documentation on this machine.

    scripts/make_eval_set.py OUT_DIR [--min-queries 300]

Every public stdlib module with a docstring becomes one document, its "page": the module docstring without
its summary paragraph, followed by the signatures and docstrings of its public classes and functions.
Public classes with a long docstring get a page of their own the same way (their docstring, then their
public methods). The question is the summary (first paragraph of the docstring), which the page no longer
contains, so an answer has to be found from what the page says, not by matching the sentence itself.

Writes OUT_DIR/stdlib-docs.jsonl ({"id": module, "text": page}) and OUT_DIR/queries.jsonl
({"id": module, "query": summary, "relevant": module}: a JSON Lines id is the store's document id).
Source files are parsed with `ast`, nothing is imported. Deterministic for a given Python installation.
"""

import argparse
import ast
import json
import re
import sys
import sysconfig
from pathlib import Path

PAGE_LIMIT = 6000
SKIP_PARTS = {"test", "tests", "idle_test", "__pycache__", "site-packages", "dist-packages", "__main__"}


def module_name(root: Path, path: Path) -> str | None:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or any(p in SKIP_PARTS or p.startswith("_") or "-" in p for p in parts):
        return None
    return ".".join(parts)


def paragraphs(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def signature(node) -> str:
    if isinstance(node, ast.ClassDef):
        return f"class {node.name}"
    try:
        return f"{node.name}({ast.unparse(node.args)})"
    except Exception:
        return node.name


def page(tree, body: list[str]) -> str:
    parts = list(body)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            doc = ast.get_docstring(node)
            first = paragraphs(doc)[0] if doc else ""
            parts.append(f"{signature(node)}: {first}" if first else signature(node))
    text = "\n\n".join(parts)
    return text[:PAGE_LIMIT]


def classes(tree: ast.Module, module: str) -> list[tuple[str, str, str]]:
    """(id, summary, page) of the module's public classes whose docstrings say enough to make a page."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        doc = ast.get_docstring(node)
        if not doc:
            continue
        paras = paragraphs(doc)
        summary = paras[0]
        if len(summary.split()) < 4 or len(summary) > 300:
            continue
        text = page(node, paras[1:])
        if len(text) >= 300:
            found.append((f"{module}.{node.name}", summary, text))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--min-queries", type=int, default=300)
    args = parser.parse_args()
    root = Path(sysconfig.get_paths()["stdlib"])
    documents, queries, seen_summaries = [], [], set()
    for path in sorted(root.rglob("*.py")):
        name = module_name(root, path)
        if name is None:
            continue
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        doc = ast.get_docstring(tree)
        if not doc:
            continue
        paras = paragraphs(doc)
        summary = paras[0]
        words = summary.split()
        # A question needs a few words, and must not be shared by two modules (then it has no one answer).
        if len(words) < 3 or len(summary) > 300 or summary.lower() in seen_summaries:
            continue
        text = page(tree, paras[1:])
        if len(text) < 300:
            continue
        for entry_name, entry_summary, entry_text in [(name, summary, text)] + classes(tree, name):
            if entry_summary.lower() in seen_summaries:
                continue
            seen_summaries.add(entry_summary.lower())
            documents.append({"id": entry_name, "text": entry_text})
            queries.append({"id": entry_name, "query": entry_summary, "relevant": entry_name})
    if len(queries) < args.min_queries:
        print(f"make_eval_set: only {len(queries)} queries from {root}; need {args.min_queries}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "stdlib-docs.jsonl", "w") as f:
        for document in documents:
            f.write(json.dumps(document) + "\n")
    with open(args.out / "queries.jsonl", "w") as f:
        for query in queries:
            f.write(json.dumps(query) + "\n")
    size = sum(len(d["text"]) for d in documents)
    print(f"make_eval_set: {len(documents)} documents ({size / 1e6:.1f} MB) and {len(queries)} queries "
          f"from {root} in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
