#!/usr/bin/env python3
"""Two query levers ovindex does not implement, replayed from evaluation traces (docs/querying.md, "Query quality").

    scripts/query_experiments.py NAME=TRACE:QUERIES [NAME=TRACE:QUERIES ...]

TRACE is what `ovindex eval --trace FILE --candidates 100` wrote for a set, QUERIES that set's questions
(`*-queries.jsonl` from scripts/make_eval_set.py, in the order eval asked them). Prints MRR@10 per set, and the
gain over the best mode without reranking, for:

- a keyword weight chosen per question: `high` when the question looks like code (a backtick, `a.b`, `a_b`,
  `f(`, camelCase, `::`, `->`), `low` otherwise, against the default's single weight;
- a document scored by several of its chunks: its best chunk's fused score plus lambda times the sum of its
  next best ones, against its best chunk alone.

Both replay the default query (hybrid, 40 candidates, late interaction, first ranks fused back at 2) as
scripts/tune_query.py does.
"""

import json
import re
import sys

import tune_query

CODE = re.compile(r"`|\w[._]\w|\w\(|[a-z][A-Z]|::|->")
CANDIDATES, KEYWORD_WEIGHT, FIRST_STAGE = 40, 0.5, 2.0


def load(argument):
    name, _, paths = argument.partition("=")
    trace_path, _, queries_path = paths.partition(":")
    if not name or not trace_path or not queries_path:
        print(f"query_experiments: '{argument}' is not NAME=TRACE:QUERIES", file=sys.stderr)
        sys.exit(64)
    try:
        trace = tune_query.read_trace(trace_path)
        with open(queries_path) as f:
            questions = [json.loads(line) for line in f]
    except (OSError, json.JSONDecodeError) as error:
        print(f"query_experiments: {error}", file=sys.stderr)
        sys.exit(66)
    if len(questions) != len(trace):
        sys.exit(f"{queries_path}: {len(questions)} questions, but {trace_path} has {len(trace)}")
    for question, traced in zip(questions, trace):
        relevant = question["relevant"] if isinstance(question["relevant"], list) else [question["relevant"]]
        if set(relevant) != set(traced["relevant"]):
            sys.exit(f"{queries_path} and {trace_path} are not in the same order (question {question['id']})")
        traced["text"] = question["query"]
    return name, trace


def reciprocal_rank(top, relevant):
    rank = next((i for i, key in enumerate(top) if key in relevant), None)
    return 0.0 if rank is None else 1 / (rank + 1)


def mrr(trace, rank_documents):
    return sum(reciprocal_rank(rank_documents(q), set(q["relevant"])) for q in trace) / len(trace)


def documents_by_chunks(q, spread, others):
    """The default query's fused chunk scores, each document scored by its best plus `spread` times its next
    `others` best."""
    keys = {cid: key for cid, key in q["vector"] + q["keyword"]}
    late = {int(cid): score for cid, score in q["late"].items()}
    vector = [cid for cid, _ in q["vector"][:CANDIDATES]]
    keyword = [cid for cid, _ in q["keyword"][:CANDIDATES]]
    scores, first = tune_query.fused_scores([vector, keyword], [1.0, KEYWORD_WEIGHT])
    candidates = sorted(scores, key=lambda cid: (-scores[cid], first[cid]))[:CANDIDATES]
    reranked = sorted(candidates, key=lambda cid: (-late[cid], cid))
    scores, first = tune_query.fused_scores([reranked, candidates], [1.0, FIRST_STAGE])
    per_document, order = {}, {}
    for cid in sorted(scores, key=lambda cid: (-scores[cid], first[cid])):
        per_document.setdefault(keys[cid], []).append(scores[cid])
        order.setdefault(keys[cid], len(order))
    total = {key: s[0] + spread * sum(s[1 : 1 + others]) for key, s in per_document.items()}
    return sorted(total, key=lambda key: (-total[key], order[key]))[:10]


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) > 1 else 64
    sets = dict(load(argument) for argument in sys.argv[1:])
    best = {
        name: max(mrr(trace, lambda q, m=mode: tune_query.ranked_documents(q, m, 100, 1.0, False, 0.0))
                  for mode in ("vector", "keyword", "hybrid"))
        for name, trace in sets.items()
    }

    def row(label, rank_documents):
        cells = []
        for name, trace in sets.items():
            value = mrr(trace, rank_documents)
            cells.append(f"{value:.4f} ({value - best[name]:+.4f})")
        print(f"| {label} | " + " | ".join(cells) + " |")

    print("MRR@10 (gain over the best mode without reranking)\n")
    print("| setting | " + " | ".join(sets) + " |")
    print("| --- | " + " | ".join("---:" for _ in sets) + " |")
    print("| code-like questions | " + " | ".join(
        f"{sum(bool(CODE.search(q['text'])) for q in t)} of {len(t)}" for t in sets.values()) + " |")
    row("the default", lambda q: tune_query.ranked_documents(
        q, "hybrid", CANDIDATES, KEYWORD_WEIGHT, True, FIRST_STAGE))
    for low, high in ((0.5, 0.75), (0.5, 1.0), (0.5, 2.0), (0.25, 1.0)):
        row(f"keyword weight {low} / {high} when the question looks like code",
            lambda q, low=low, high=high: tune_query.ranked_documents(
                q, "hybrid", CANDIDATES, high if CODE.search(q["text"]) else low, True, FIRST_STAGE))
    for spread in (0.01, 0.02, 0.05, 0.1):
        for others in (1, 2, 4):
            row(f"a document by its best chunk + {spread:g} × its next {others}",
                lambda q, spread=spread, others=others: documents_by_chunks(q, spread, others))
    return 0


if __name__ == "__main__":
    sys.exit(main())
