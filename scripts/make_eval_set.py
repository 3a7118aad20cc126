#!/usr/bin/env python3
"""Builds retrieval evaluation sets of four genres from documentation any Debian machine has or can install.

    scripts/make_eval_set.py OUT_DIR [--genre stdlib|man|info|node] [--min-queries 400]

Each genre writes OUT_DIR/<genre>-docs.jsonl ({"id": ..., "text": page}) and OUT_DIR/<genre>-queries.jsonl
({"id": ..., "query": summary, "relevant": id}: a JSON Lines id is the store's document id). In every genre the
question is a one-line summary written by the documentation's authors, and that summary is removed from the
indexed text, so an answer has to be found from what the page says, not by matching the sentence itself.
Deterministic for given package versions; nothing is downloaded.

stdlib  Python's standard library docstrings (the python3 package).
man     The Linux man-pages project's pages in sections 2, 3, 5 and 7 (Debian packages manpages and
        manpages-dev): the NAME line's description ("open and possibly create a file") asks; the page without
        its NAME section, roff markup turned into text, answers.
info    GNU info manuals in /usr/share/info (coreutils, grep, sed, find, gzip, wget, ...): a menu entry's
        description of a node asks; the node's text, with every menu's descriptions removed, answers.
node    Node.js's API reference in Markdown (the nodejs-doc package): each level-2 section of a page is a
        document (the page's "# Title", the section's heading and text; HTML comments removed; cut at 60,000
        characters), its id ending in .md. The first sentence of the first paragraph under each lower heading
        ("Asynchronously reads the entire contents of a file.") asks, and is removed from the text; a question
        about text past the cut is left out.

stdlib in detail:

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
import gzip
import json
import re
import subprocess
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


def stdlib_set() -> tuple[list[dict], list[dict], str]:
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
    return documents, queries, str(root)


# --- man: the Linux man-pages project -----------------------------------------------------------------------

MAN_PACKAGES = ("manpages", "manpages-dev")
MAN_SECTIONS = ("man2", "man3", "man5", "man7")
ROFF_ESCAPES = {r"\-": "-", r"\(em": "--", r"\(en": "-", r"\(aq": "'", r"\(dq": '"', r"\(lq": '"', r"\(rq": '"',
                r"\(bu": "*", r"\(co": "(C)", r"\e": "\\", r"\~": " ", r"\ ": " ", r"\&": "", r"\:": "", r"\%": "",
                r"\|": "", r"\^": "", r"\0": " ", r"\(ga": "`", r"\(ti": "~", r"\(ha": "^", r"\(rs": "\\"}


def roff_inline(text: str) -> str:
    text = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", text)
    text = re.sub(r"\\\*(\[[^\]]*\]|\(..|.)", "", text)
    for escape, replacement in ROFF_ESCAPES.items():
        text = text.replace(escape, replacement)
    text = re.sub(r"\\\(..", "", text)
    text = re.sub(r"\\\[[^\]]*\]", "", text)
    return text.replace("\\", "")


def roff_arguments(rest: str) -> list[str]:
    return [a[1:-1] if a.startswith('"') and a.endswith('"') and len(a) > 1 else a
            for a in re.findall(r'"[^"]*"?|\S+', rest)]


def roff_to_sections(source: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) per .SH section: macros dropped, font macros joined as man(1) would print them."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for raw in source.splitlines():
        if raw.startswith(('.\\"', "'\\\"", '.\\" ')) or raw.strip() in (".", ""):
            continue
        if raw.startswith("."):
            macro, _, rest = raw[1:].partition(" ")
            macro = macro.strip()
            if macro == "SH":
                sections.append((roff_inline(" ".join(roff_arguments(rest))).strip(), []))
            elif macro == "SS":
                sections[-1][1].extend(["", roff_inline(" ".join(roff_arguments(rest))).strip()])
            elif macro in ("B", "I", "SM", "SB"):
                sections[-1][1].append(roff_inline(" ".join(roff_arguments(rest))))
            elif macro in ("BR", "BI", "IR", "IB", "RB", "RI"):
                sections[-1][1].append(roff_inline("".join(roff_arguments(rest))))
            elif macro in ("PP", "P", "LP", "TP", "IP", "sp", "br"):
                sections[-1][1].append("")
                if macro == "IP" and rest.strip():
                    sections[-1][1].append(roff_inline(roff_arguments(rest)[0]))
            continue
        sections[-1][1].append(roff_inline(raw))
    return sections


def man_set() -> tuple[list[dict], list[dict], str]:
    files = []
    for package in MAN_PACKAGES:
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
        if listing.returncode != 0:
            raise SystemExit(f"make_eval_set: the man set needs the Debian package {package} "
                             f"(apt-get install {' '.join(MAN_PACKAGES)})")
        files += [Path(p) for p in listing.stdout.splitlines()
                  if Path(p).parent.name in MAN_SECTIONS and p.endswith(".gz") and Path(p).is_file()]
    documents, queries, seen = [], [], set()
    for path in sorted(set(files)):
        source = gzip.open(path, "rt", errors="replace").read()
        if source.lstrip().startswith(".so "):
            continue  # a link to another page
        sections = roff_to_sections(source)
        name_section = next((lines for heading, lines in sections if heading.upper() == "NAME"), None)
        if not name_section:
            continue
        name_line = re.sub(r"\s+", " ", " ".join(name_section)).strip()
        if " - " not in name_line:
            continue
        summary = name_line.split(" - ", 1)[1].strip()
        page_id = path.name[:-3]  # open.2
        if len(summary.split()) < 3 or summary.lower() in seen:
            continue
        body = []
        for heading, lines in sections:
            if heading.upper() in ("NAME", "COLOPHON", ""):
                continue
            text = "\n".join(lines)
            text = re.sub(r"[ \t]+", " ", text)
            text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip()
            body.append(f"{heading}\n{text}")
        text = f"{page_id}\n\n" + "\n\n".join(body)
        text = text[:PAGE_LIMIT]
        if len(text) < 300:
            continue
        seen.add(summary.lower())
        documents.append({"id": page_id, "text": text})
        queries.append({"id": page_id, "query": summary, "relevant": page_id})
    return documents, queries, ", ".join(MAN_PACKAGES)


# --- info: GNU manuals ----------------------------------------------------------------------------------------

INFO_ROOT = Path("/usr/share/info")
MENU_ENTRY = re.compile(r"^\* ([^:]+)::[ \t]*(.*)$|^\* ([^:]+):[ \t]*([^.,\t\n]+)[.,\t]?[ \t]*(.*)$")


def info_nodes(manual: str) -> list[tuple[str, str]]:
    """(node name, text) of every node of one manual, split files joined."""
    parts = sorted(INFO_ROOT.glob(f"{manual}.info-*.gz"), key=lambda p: int(p.name.rsplit("-", 1)[1][:-3]))
    main = INFO_ROOT / f"{manual}.info.gz"
    text = "".join(gzip.open(p, "rt", errors="replace").read() for p in [main] + parts)
    nodes = []
    for block in text.split("\x1f"):
        block = block.lstrip("\n")
        header, _, body = block.partition("\n")
        match = re.search(r"Node: ([^,\t]+)", header)
        if match and header.startswith("File:"):
            nodes.append((match.group(1).strip(), body))
    return nodes


def without_menus(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The node's text without its menu, and the menu's (target node, description) entries."""
    lines, entries, in_menu, current = [], [], False, None
    for line in body.splitlines():
        if line.startswith("* Menu:"):
            in_menu = True
            continue
        if in_menu:
            match = MENU_ENTRY.match(line)
            if match:
                if match.group(1) is not None:
                    current = [match.group(1).strip(), match.group(2).strip()]
                else:
                    current = [match.group(4).strip(), match.group(5).strip()]
                entries.append(current)
                continue
            if current is not None and line.startswith((" ", "\t")) and line.strip():
                current[1] = (current[1] + " " + line.strip()).strip()
                continue
            current = None  # a menu comment or a blank line: neither asks anything nor answers
            continue
        lines.append(line)
    return "\n".join(lines), [(target, description) for target, description in entries]


def info_set() -> tuple[list[dict], list[dict], str]:
    manuals = sorted({p.name.split(".info")[0] for p in INFO_ROOT.glob("*.info*.gz")})
    documents, queries, seen, ids = [], [], set(), set()
    for manual in manuals:
        nodes = info_nodes(manual)
        texts, descriptions = {}, {}
        for name, body in nodes:
            text, entries = without_menus(body)
            texts[name] = text
            for target, description in entries:
                descriptions.setdefault(target, description)
        for name, _ in nodes:
            summary = re.sub(r"\s+", " ", descriptions.get(name, "")).strip()
            # A summary the page repeats word for word would be found by matching it, not by understanding:
            # the repetition goes, as the summary itself does.
            words = summary.rstrip(".").split()
            if words:
                pattern = r"\s+".join(re.escape(w) for w in words) + r"\.?"
                texts[name] = re.sub(pattern, "", texts[name], flags=re.IGNORECASE)
            text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", texts[name]).strip()
            text = text[:PAGE_LIMIT]
            doc_id = f"{manual}: {name}"
            if len(summary.split()) < 3 or summary.lower() in seen or len(text) < 300 or doc_id in ids:
                continue
            seen.add(summary.lower())
            ids.add(doc_id)
            documents.append({"id": doc_id, "text": text})
            queries.append({"id": doc_id, "query": summary, "relevant": doc_id})
    return documents, queries, f"{INFO_ROOT} ({', '.join(manuals)})"


# --- node: Markdown ---------------------------------------------------------------------------------------------

NODE_PACKAGE = "nodejs-doc"
NODE_PAGE_LIMIT = 60_000
NODE_SKIP = ("<!--", "*", "```", ">", "|", "-", "Added in", "Stability", "#", "[")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")


def markdown_lines(lines: list[str]):
    """(line, inside a fenced code block) for each line of a Markdown text."""
    fence = None
    for line in lines:
        stripped = line.lstrip(" ")
        marker = re.match(r"(`{3,}|~{3,})", stripped) if len(line) - len(stripped) < 4 else None
        if fence is None and marker:
            fence = marker.group(1)
            yield line, True
            continue
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            yield line, True
            continue
        yield line, False


def node_sections(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The page's title and its level-2 sections: (heading line, lines), the text before the first as ("", ...)."""
    title, sections = "", [("", [])]
    for line, code in markdown_lines(re.sub(r"<!--.*?-->\n?", "", text, flags=re.DOTALL).splitlines()):
        if not code and line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if not code and line.startswith("## "):
            sections.append((line, []))
            continue
        sections[-1][1].append(line)
    return title, sections


def node_question(lines: list[str], start: int) -> tuple[str, int] | None:
    """The first sentence of the first prose paragraph after line `start` (a heading), and its line."""
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if line.startswith("#"):
            return None  # the next heading came first: nothing describes this one
        # A paragraph's first line, not a list item's continuation, a table, a note or markup.
        if line != line.lstrip() or lines[index - 1].strip() or line.startswith(NODE_SKIP):
            continue
        sentence = SENTENCE_END.split(line.strip(), 1)[0]
        words = sentence.split()
        if 6 <= len(words) <= 40 and sentence.endswith((".", "!", "?")) and re.match(r"[A-Z`]", sentence):
            return sentence, index
        return None
    return None


def slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")[:60] or "section"


def node_set() -> tuple[list[dict], list[dict], str]:
    listing = subprocess.run(["dpkg", "-L", NODE_PACKAGE], capture_output=True, text=True)
    if listing.returncode != 0:
        raise SystemExit(f"make_eval_set: the node set needs the Debian package {NODE_PACKAGE} "
                         f"(apt-get install {NODE_PACKAGE})")
    files = sorted(Path(p) for p in listing.stdout.splitlines() if re.search(r"/api/[^/]+\.md\.gz$", p))
    documents, queries, seen, ids = [], [], set(), set()
    for path in files:
        stem = path.name[:-len(".md.gz")]
        title, sections = node_sections(gzip.open(path, "rt", errors="replace").read())
        for heading, lines in sections:
            doc_id = f"{stem}/{slug(heading[3:]) if heading else 'introduction'}.md"
            if doc_id in ids:
                continue
            asked = []  # (sentence, where its line started in the page, at most)
            inside = [code for _, code in markdown_lines(lines)]
            for index, line in enumerate(lines):
                if inside[index] or not re.match(r"#{3,6} ", line):
                    continue
                found = node_question(lines, index)
                if found and found[0].lower() not in seen:
                    sentence, at = found
                    asked.append((sentence, sum(len(line) + 1 for line in lines[:at])))
                    lines[at] = lines[at].replace(sentence, "", 1).strip()
            body = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", "\n".join(lines)).strip()
            text = f"# {title}\n\n" + (f"{heading}\n\n" if heading else "") + body
            header = len(text) - len(body)
            text = text[:NODE_PAGE_LIMIT]
            if len(text) < 300:
                continue
            ids.add(doc_id)
            documents.append({"id": doc_id, "text": text})
            for sentence, offset in asked:
                # The page is cut at NODE_PAGE_LIMIT characters: a question about the part cut off goes too.
                if header + offset >= NODE_PAGE_LIMIT - 1000:
                    continue
                seen.add(sentence.lower())
                queries.append({"id": f"{doc_id}:{len(queries)}", "query": sentence, "relevant": doc_id})
    return documents, queries, f"{NODE_PACKAGE} ({len(files)} API pages)"


GENRES = {"stdlib": stdlib_set, "man": man_set, "info": info_set, "node": node_set}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--genre", choices=sorted(GENRES), default="stdlib")
    parser.add_argument("--min-queries", type=int, default=400)
    args = parser.parse_args()
    documents, queries, origin = GENRES[args.genre]()
    if len(queries) < args.min_queries:
        print(f"make_eval_set: only {len(queries)} {args.genre} queries from {origin}; need {args.min_queries}",
              file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / f"{args.genre}-docs.jsonl", "w") as f:
        for document in documents:
            f.write(json.dumps(document) + "\n")
    with open(args.out / f"{args.genre}-queries.jsonl", "w") as f:
        for query in queries:
            f.write(json.dumps(query) + "\n")
    size = sum(len(d["text"]) for d in documents)
    print(f"make_eval_set: {args.genre}: {len(documents)} documents ({size / 1e6:.1f} MB) and {len(queries)} "
          f"queries from {origin} in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
