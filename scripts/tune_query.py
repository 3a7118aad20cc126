#!/usr/bin/env python3
"""Chooses the default query settings on some evaluation sets and shows how they do on the others.

    scripts/tune_query.py --tune TRACE [TRACE ...] [--report TRACE ...] [--max-candidates 100] [--per-document]

Each TRACE is what `ovindex eval --trace FILE` wrote for one evaluation set: per question, the vector and
keyword candidate lists (chunk ids and document ids, best first) and the late-interaction score of every
chunk in either list. This script replays, for every setting in the grid, what `ovindex query` does with
them (Sources/Retrieval/QueryEngine.swift: weighted reciprocal-rank fusion of the two lists, the top N
candidates, late interaction, the first stage's ranks fused back in, best chunk per document, top 10) and
scores MRR@10, recall@1 and recall@10 against the known answers.

The chosen setting is the one with the best mean MRR@10 over the --tune sets among those that beat, on each
tune set, every mode without reranking (the goal: at least the best of vector, keyword and hybrid on every
set); when none does, the best mean overall. The --report sets are only scored, never looked at while
choosing. Take the first N of a trace made with --candidates 100 as an approximation of a search for N (the
int8 scan picks its own candidates); "fused back separately" and --per-document settings are experiments
ovindex does not implement. Record traces with the same --candidates as --max-candidates.
Prints Markdown tables. The real figures come from `ovindex eval` (make eval); this only searches the grid.
"""

import argparse
import itertools
import json
import sys

RRF = 60.0


def read_trace(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def fused_scores(lists, weights):
    """Each item's weighted reciprocal-rank score, and the order in which the lists first named it."""
    scores, first = {}, {}
    for items, weight in zip(lists, weights):
        for rank, item in enumerate(items):
            scores[item] = scores.get(item, 0.0) + weight / (RRF + rank + 1)
            first.setdefault(item, len(first))
    return scores, first


def fuse(lists, weights):
    scores, first = fused_scores(lists, weights)
    return sorted(scores, key=lambda item: (-scores[item], first[item]))


def best_per_document(items, keys):
    seen, kept = set(), []
    for cid in items:
        if keys[cid] not in seen:
            seen.add(keys[cid])
            kept.append(cid)
    return kept


def ranked_documents(q, mode, candidates, keyword_weight, rerank, first_stage, per_document=False):
    keys = {cid: key for cid, key in q["vector"] + q["keyword"]}
    vector = [cid for cid, _ in q["vector"][:candidates]]
    keyword = [cid for cid, _ in q["keyword"][:candidates]]
    late = {int(cid): score for cid, score in q["late"].items()}
    if per_document:
        # Documents, not chunks, are ranked and fused: each list ranks a document by its best chunk, and the
        # reranker scores a document by its best chunk among the candidates.
        document_late = {}
        for cid in vector + keyword:
            document_late[keys[cid]] = max(document_late.get(keys[cid], -9), late[cid])
        vector = [keys[c] for c in best_per_document(vector, keys)]
        keyword = [keys[c] for c in best_per_document(keyword, keys)]
        keys = {key: key for key in document_late}
        late = document_late
    if mode == "vector":
        first = vector
    elif mode == "keyword":
        first = keyword
    else:
        first = fuse([vector, keyword], [1.0, keyword_weight])[:candidates]
    order = first
    if rerank:
        order = sorted(first, key=lambda cid: (-late[cid], cid))
        if isinstance(first_stage, tuple):
            # The reranked order fused with the vector and keyword lists, each with its own weight.
            pool = set(first)
            order = fuse([order, [c for c in vector if c in pool], [c for c in keyword if c in pool]],
                         [1.0, first_stage[0], first_stage[1]])
        elif first_stage > 0:
            order = fuse([order, first], [1.0, first_stage])
    documents, seen = [], set()
    for cid in order:
        key = keys[cid]
        if key not in seen:
            seen.add(key)
            documents.append(key)
    return documents[:10]


def score(trace, setting):
    mrr = r1 = r10 = 0.0
    for q in trace:
        relevant = set(q["relevant"])
        top = ranked_documents(q, *setting)
        if top and top[0] in relevant:
            r1 += 1
        r10 += len(relevant.intersection(top)) / len(relevant)
        rank = next((i for i, key in enumerate(top) if key in relevant), None)
        if rank is not None:
            mrr += 1 / (rank + 1)
    n = len(trace)
    return {"mrr": mrr / n, "r1": r1 / n, "r10": r10 / n}


def name(setting):
    mode, candidates, weight, rerank, first_stage = setting[:5]
    text = f"{mode}" + (" per document" if len(setting) > 5 and setting[5] else "")
    if mode == "hybrid":
        text += f" kw={weight:g}"
    text += f", {candidates} cand"
    if rerank:
        if isinstance(first_stage, tuple):
            text += f", late-interaction + vector {first_stage[0]:g} + keyword {first_stage[1]:g}"
        else:
            text += f", late-interaction" + (f", first-stage {first_stage:g}" if first_stage else "")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tune", nargs="+", required=True)
    parser.add_argument("--report", nargs="*", default=[])
    parser.add_argument("--max-candidates", type=int, default=100)
    parser.add_argument("--per-document", action="store_true",
                        help="also try fusing documents (each by its best chunk) instead of chunks; an experiment "
                             "ovindex does not implement (docs/querying.md, 'Query quality')")
    args = parser.parse_args()
    tune = {path: read_trace(path) for path in args.tune}
    report = {path: read_trace(path) for path in args.report}
    limit = min(len(q["vector"]) for trace in list(tune.values()) + list(report.values()) for q in trace[:1])
    counts = [c for c in (10, 20, 30, 40, 50, 75, 100) if c <= min(limit, args.max_candidates)]
    baselines = [(m, c, w, False, 0.0) for m in ("vector", "keyword") for c in counts[-1:] for w in (1.0,)]
    baselines += [("hybrid", counts[-1], 1.0, False, 0.0)]
    grid = [("hybrid", c, w, True, f) for c, w, f in itertools.product(
        counts, (0.5, 0.75, 1.0, 1.5, 2.0), (0.0, 0.25, 0.5, 1.0, 2.0))]
    grid += [("vector", c, 1.0, True, f) for c, f in itertools.product(counts, (0.0, 0.5, 1.0))]
    grid += [("hybrid", c, w, True, (a, b)) for c, w, a, b in itertools.product(
        counts, (0.5, 1.0), (0.25, 0.5, 1.0, 2.0, 3.0), (0.25, 0.5, 1.0, 2.0))]
    if args.per_document:
        grid += [("hybrid", c, w, True, (a, b), True) for c, w, a, b in itertools.product(
            counts, (0.5, 1.0), (0.25, 0.5, 1.0, 2.0, 3.0), (0.25, 0.5, 1.0, 2.0))]
        baselines += [("hybrid", counts[-1], 1.0, False, 0.0, True)]

    best_plain = {path: max(score(trace, b)["mrr"] for b in baselines) for path, trace in tune.items()}
    results = []
    for setting in grid:
        scores = {path: score(trace, setting)["mrr"] for path, trace in tune.items()}
        margin = min(scores[path] - best_plain[path] for path in tune)
        mean = sum(scores.values()) / len(scores)
        results.append((margin >= 0, mean, margin, setting, scores))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    chosen = results[0][3]

    print("Top settings on the tune sets (MRR@10; margin = worst gain over the best mode without reranking)\n")
    print("| setting | " + " | ".join(tune) + " | mean | margin |")
    print("| --- | " + " | ".join("---:" for _ in tune) + " | ---: | ---: |")
    for ok, mean, margin, setting, scores in results[:12]:
        print(f"| {name(setting)} | " + " | ".join(f"{scores[p]:.3f}" for p in tune) + f" | {mean:.3f} | {margin:+.3f} |")
    print(f"\nChosen: {name(chosen)}\n")
    for path, trace in list(tune.items()) + list(report.items()):
        role = "tuned on" if path in tune else "NOT tuned on"
        print(f"{path} ({len(trace)} questions, {role})\n")
        print("| setting | recall@1 | recall@10 | MRR@10 |")
        print("| --- | ---: | ---: | ---: |")
        for setting in baselines + [chosen]:
            s = score(trace, setting)
            print(f"| {name(setting)} | {s['r1']:.3f} | {s['r10']:.3f} | {s['mrr']:.3f} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
