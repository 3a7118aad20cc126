#!/usr/bin/env python3
"""Builds labelled sets of three genres for `ovindex eval --classify`, from material any Debian machine has, with
labels someone other than us assigned.

    scripts/make_classify_sets.py OUT_DIR [--set debian|man|python] [--per-label N]

Each set writes OUT_DIR/<set>/corpus.jsonl ({"id", "text"}: the documents, indexed with `ovindex run`),
gold.jsonl ({"document": id, "label"}), labels.jsonl ({"label", "description"}: what each label means, written
from the label's own documentation, never from the documents) and pipeline.json (a definition that indexes the
corpus). Ids are neutral ("man-0042"): a store's chunks carry their document's id, which must not give the label
away. Deterministic for given package versions (a seeded sample); nothing is downloaded.

debian  Debian package descriptions ("name: short description", from `apt-cache dumpavail`) labelled by the
        archive section their maintainers filed them in (games, sound, graphics, science, mail, editors,
        database, web, electronics, math). Short texts.
man     Manual pages labelled by their section (1 user commands, 2 system calls, 3 library functions, 5 file
        formats, 7 overviews, 8 administration): roff turned into text, without the page's name and section
        line, cut at 6,000 characters. Reference prose.
python  Python standard library modules labelled by the package they belong to (asyncio, distutils, email,
        idlelib, importlib, lib2to3, multiprocessing, xml, turtledemo): each module's source (docstring and
        code), cut at 6,000 characters, without its path. Code.
info    Nodes of GNU info manuals labelled by the manual they belong to (coreutils, diffutils, find, gettext,
        gnupg, nettle, sed, wget): each node's text without its menus, cut at 6,000 characters. Manuals.
"""

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_eval_set import info_nodes, roff_to_sections, without_menus  # noqa: E402  (one reader for both kinds)

TEXT_LIMIT = 6000
SEED = 20261208

DEBIAN_LABELS = {
    "games": ["games, toys and fun programs", "computer games people play: puzzles, strategy, arcade, card games"],
    "sound": ["sound and music software: audio players, recorders, editors and synthesizers",
              "programs that play, record or process audio"],
    "graphics": ["graphics software: image viewers, editors, drawing and 3D modelling programs",
                 "programs that create, view or convert pictures"],
    "science": ["software for scientific work: chemistry, physics, astronomy, biology, data analysis",
                "tools for researchers and scientists"],
    "mail": ["email software: mail clients, servers, filters and mailing list managers",
             "programs that send, receive, sort or store electronic mail"],
    "editors": ["text editors and word processors", "programs for editing text files and documents"],
    "database": ["database servers, clients and tools", "software that stores and queries data in databases"],
    "web": ["web servers, browsers, proxies and other tools for the World Wide Web",
            "software for serving or browsing web pages"],
    "electronics": ["electronics and electrical engineering: circuit design, simulation, PCB layout",
                    "tools for designing and testing electronic circuits and hardware"],
    "math": ["mathematics: computer algebra, numerical computation, plotting, statistics",
             "programs for mathematical calculation"],
}

MAN_LABELS = {
    "commands": ["user commands: executable programs and shell commands people run",
                 "a program you run from the shell, its options and what it prints"],
    "system-calls": ["system calls: functions provided by the Linux kernel",
                     "a kernel interface a program calls, its arguments, return value and errors"],
    "library": ["library calls: functions of the C library and other program libraries",
                "a C function, its prototype, parameters and return value"],
    "file-formats": ["file formats and conventions: configuration files and their syntax",
                     "the format of a file, what each line or field of it means"],
    "overviews": ["miscellaneous: overviews, conventions, protocols and standards",
                  "an explanation of a concept or convention rather than a single command or function"],
    "administration": ["system administration commands and daemons, usually run by root",
                       "a program for administering the system: services, devices, file systems, networking"],
}
MAN_SECTIONS = {"1": "commands", "2": "system-calls", "3": "library", "5": "file-formats", "7": "overviews",
                "8": "administration"}

PYTHON_LABELS = {
    "asyncio": ["asynchronous I/O: event loops, coroutines, tasks, futures, transports and protocols"],
    "distutils": ["building and installing Python modules: setup scripts, compilers, distribution commands"],
    "email": ["email messages: parsing, generating, headers, MIME parts and encodings"],
    "idlelib": ["IDLE, the integrated development environment: editor windows, shell, debugger, configuration"],
    "importlib": ["the import system: finders, loaders, module specs and package resources"],
    "lib2to3": ["2to3: converting Python 2 code to Python 3, grammar, parser and fixers that rewrite syntax"],
    "multiprocessing": ["process-based parallelism: processes, pools, queues, pipes, shared memory, managers"],
    "xml": ["XML processing: DOM, SAX, ElementTree, parsers and XML-RPC"],
    "turtledemo": ["turtle graphics demonstrations: small programs that draw pictures with a turtle"],
}


INFO_LABELS = {
    "coreutils": ["GNU core utilities: the basic file, shell and text manipulation commands of the system"],
    "diffutils": ["comparing and merging files: differences between files, patches"],
    "find": ["finding files: searching directory trees by name, type, size or time, and acting on what is found"],
    "gettext": ["internationalization of programs: message catalogs, translations, PO files"],
    "gnupg": ["GNU Privacy Guard: encryption, signatures, keys and keyrings, smart cards"],
    "nettle": ["a low-level cryptographic library: hash functions, ciphers, MACs and public-key algorithms in C"],
    "sed": ["sed, the stream editor: scripts that transform text, commands, addresses and regular expressions"],
    "wget": ["retrieving files from the web over HTTP, HTTPS and FTP, recursively and non-interactively"],
}


def write_set(out: Path, name: str, items: list[tuple[str, str]], labels: dict, per_label: int) -> None:
    """items: (label, text). Samples `per_label` of each label (seeded), writes the four files."""
    random.seed(SEED)
    by_label: dict[str, list[str]] = {}
    for label, text in items:
        by_label.setdefault(label, []).append(text)
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    corpus, gold, number = [], [], 0
    for label in labels:
        texts = sorted(set(by_label.get(label, [])))
        random.shuffle(texts)
        for text in texts[:per_label]:
            number += 1
            key = f"{name}-{number:04d}"
            corpus.append({"id": key, "text": text})
            gold.append({"document": key, "label": label})
    random.shuffle(corpus)  # the store's order says nothing of the labels either
    with open(folder / "corpus.jsonl", "w") as f:
        for row in corpus:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(folder / "gold.jsonl", "w") as f:
        for row in gold:
            f.write(json.dumps(row) + "\n")
    with open(folder / "labels.jsonl", "w") as f:
        for label, descriptions in labels.items():
            for description in descriptions:
                f.write(json.dumps({"label": label, "description": description}) + "\n")
    definition = {"store": "store.sqlite", "sources": [{"path": "corpus.jsonl", "format": "jsonl"}],
                  "model": "all-MiniLM-L6-v2"}
    (folder / "pipeline.json").write_text(json.dumps(definition, indent=2) + "\n")
    counts = {label: min(per_label, len(set(by_label.get(label, [])))) for label in labels}
    print(f"{name}: {len(corpus)} documents, {len(labels)} labels {counts}", file=sys.stderr)


def debian_items() -> list[tuple[str, str]]:
    dump = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True, check=True).stdout
    items = []
    for block in dump.split("\n\n"):
        fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", block, re.M))
        name, section, description = fields.get("Package"), fields.get("Section", ""), fields.get("Description")
        if not name or not description or section not in DEBIAN_LABELS:
            continue
        # Data, documentation, debug and development packages repeat their program's description.
        if re.search(r"-(data|doc|dbg|dbgsym|dev|common|l10n)$", name) or name.startswith("lib"):
            continue
        items.append((section, f"{name}: {description}"))
    return items


def man_items() -> list[tuple[str, str]]:
    items = []
    for number, label in MAN_SECTIONS.items():
        for path in sorted(Path(f"/usr/share/man/man{number}").glob("*.gz")):
            source = gzip.open(path, "rt", errors="replace").read()
            if source.lstrip().startswith(".so "):
                continue  # a link to another page
            body = []
            for heading, lines in roff_to_sections(source):
                if heading.upper() in ("", "COLOPHON"):
                    continue
                text = re.sub(r"[ \t]+", " ", "\n".join(lines))
                text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip()
                body.append(f"{heading}\n{text}")
            text = "\n\n".join(body)[:TEXT_LIMIT]
            if len(text) >= 300:
                items.append((label, text))
    return items


def python_items() -> list[tuple[str, str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    items = []
    for package in PYTHON_LABELS:
        for path in sorted((root / package).rglob("*.py")):
            if {"test", "tests", "idle_test", "__pycache__"} & set(path.parts):
                continue
            text = path.read_text(errors="replace").strip()[:TEXT_LIMIT]
            if len(text) >= 300:
                items.append((package, text))
    return items


def info_items() -> list[tuple[str, str]]:
    items = []
    for manual in INFO_LABELS:
        for _, body in info_nodes(manual):
            text, _ = without_menus(body)
            text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip()[:TEXT_LIMIT]
            if len(text) >= 300:
                items.append((manual, text))
    return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--set", choices=["debian", "man", "python", "info"], action="append")
    parser.add_argument("--per-label", type=int, default=150)
    args = parser.parse_args()
    builders = {"debian": (debian_items, DEBIAN_LABELS), "man": (man_items, MAN_LABELS),
                "python": (python_items, PYTHON_LABELS), "info": (info_items, INFO_LABELS)}
    for name in args.set or list(builders):
        items, labels = builders[name]
        write_set(args.out, name, items(), labels, args.per_label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
