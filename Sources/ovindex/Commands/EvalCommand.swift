import Classification
import Foundation
import Host
import Retrieval
import Settings
import TextIO

/// `ovindex eval`: recall and latency of every retrieval mode and rerank stage on queries with known answers.
struct EvalCommand: Command {
    static let spec = CommandSpec<EvalCommand>(
        name: "eval", summary: "Measure recall@1, recall@10, MRR@10 and latency of each mode and rerank stage",
        usage: [
            "eval --store PATH --queries FILE [options]",
            "eval --classify GOLD --labels LABELS [--store PATH] [--examples-per-label K] [options]",
        ],
        discussion: """
            FILE holds JSON Lines {"id": ..., "query": ..., "relevant": "DOCUMENT" or ["DOCUMENT", ...]}, where
            DOCUMENT is a document id in the store (its relative path, or its JSON Lines id). Every query is
            answered with each chosen mode and rerank stage (models loaded once, not timed), and a table shows
              recall@1     share of queries whose first document is relevant
              recall@10    share of the relevant documents found in the first 10, averaged over queries
              MRR@10       mean of 1/rank of the first relevant document (0 when not in the first 10)
              p50, p95     query latency in milliseconds: embedding, retrieval and reranking
            Reranked rows fuse the reranked order with the candidates' first ranks, as a query does by
            default; the row marked "default" is what 'ovindex query' does with no flags.
            scripts/make_eval_set.py builds such sets from documentation on any Debian machine (make eval).

            --classify GOLD measures a classifier instead: GOLD holds JSON Lines {"document": KEY, "label": NAME}
            (documents of --store) or {"text": TEXT, "label": NAME}. K items of each label are drawn as examples
            (a seeded shuffle, the seed printed), the classifier is built from them and the labels' descriptions,
            and the rest are scored: accuracy, macro-F1, per-label precision, recall and F1, the confusion matrix,
            and items labelled per second.
            """,
        sections: [
            SettingSection(
                "Options",
                [
                    .option("--queries", value: "FILE", .path, help: "the evaluation set (JSON Lines)", \.queriesFile),
                    .option(
                        "--mode", value: "M[,M...]", .list(RetrievalMode.self), help: "modes to measure",
                        default: "vector,keyword,hybrid", \.modes),
                    .option(
                        "--rerank", value: "R[,R...]", .list(RerankMethod.self), help: "rerank stages",
                        default: "none,late-interaction, and cross-encoder with --reranker", \.reranks),
                    .option(
                        "--candidates", value: "N", .integer(1...QueryOptions.maximumCandidates),
                        help: "chunks retrieved before reranking", \.candidates),
                    .option("--limit", value: "N", .integer(1...10_000_000), help: "only the first N queries", \.limit),
                    .flag("--json", help: "one JSON line per mode and stage instead of the table", \.json),
                    .option(
                        "--trace", value: "FILE", .path,
                        help: "instead of the grid, write each query's vector and keyword candidates and their "
                            + "late-interaction scores as JSON Lines (scripts/tune_query.py reads it)",
                        \.trace),
                    .flag("--quiet", "-q", help: "no progress on stderr", \.quiet),
                ]),
            SettingSection(
                "Classification",
                [
                    .option("--classify", value: "GOLD", .path, help: "measure a classifier on these labelled items", \.gold),
                    .option("--labels", value: "FILE", .path, help: "the labels and their descriptions", \.labels),
                    .option(
                        "--examples-per-label", value: "K", .integer(0...10_000),
                        help: "items of each label drawn from GOLD as examples (0: zero-shot)", \.examplesPerLabel),
                    .option("--seed", value: "N", .integer(0...Int(Int32.max)), help: "the draw's seed", \.seed),
                    .option(
                        "--method", value: "M", .choice, help: "how labels are scored (see 'ovindex classify --help')",
                        default: "logistic with examples, else zero-shot", \.method),
                    .option(
                        "--view", value: "V", .choice, help: "which of a document's vectors are read",
                        default: "best-chunk for logistic, else mean", \.view),
                    .option("--pooling", value: "P", .choice, help: "how a label's descriptions make one score", \.pooling),
                    .option(
                        "--evidence", value: "E", .choice,
                        help: "score zero-shot with the store's text index (keyword: BM25 of the descriptions) or "
                            + "kept token states (late-interaction) instead of vectors",
                        \.evidence),
                ]),
            SearchOptions.section.lifted(\.search),
        ])

    var search = SearchOptions()
    var queriesFile: String?
    var gold: String?
    var labels: String?
    var examplesPerLabel = 0
    var seed = 1
    var method: ClassificationMethod?
    var view: DocumentView?
    var pooling = DescriptionPooling.max
    var evidence: StoreEvidence?
    var modes: [RetrievalMode]?
    var reranks: [RerankMethod]?
    var candidates = QueryDefaults.candidates
    var limit: Int?
    var json = false
    var quiet = false
    var trace: String?

    mutating func validate() throws(UsageError) {
        if (queriesFile == nil) == (gold == nil) { throw UsageError("give --queries FILE or --classify GOLD") }
        if gold != nil, labels == nil { throw UsageError("--classify needs --labels FILE") }
        if queriesFile != nil { try search.requireStore() }
        if (reranks ?? []).contains(.crossEncoder), search.reranker == nil {
            throw UsageError("--rerank cross-encoder needs --reranker DIR")
        }
    }

    func run() async throws -> ExitStatus {
        if let gold { return try await evaluateClassifier(gold: gold) }
        let queries = try EvaluationQuery.read(queriesFile ?? "", limit: limit)
        let engine = try await search.open()
        if let trace { return try await write(trace: trace, queries: queries, engine: engine) }
        let rows = try await engine.evaluate(
            queries, modes: modes ?? RetrievalMode.allCases,
            reranks: reranks ?? (search.reranker == nil ? [.none, .lateInteraction] : RerankMethod.allCases),
            candidates: candidates
        ) { mode, rerank, done in
            guard !quiet else { return }
            if Terminal.errors.isInteractive && done % 10 == 0 {
                Terminal.errors.write("\rovindex eval: \(mode.rawValue) + \(rerank.rawValue): \(done)/\(queries.count)")
            }
            if done == queries.count {
                if Terminal.errors.isInteractive { Terminal.errors.write("\r") }
                Terminal.errors.write(
                    line: "ovindex eval: \(mode.rawValue) + \(rerank.rawValue): \(queries.count) queries done")
            }
        }
        let out = Terminal.output
        if !json {
            out.write(line: "\(queries.count) queries, \(engine.indexedChunks) chunks, \(candidates) candidates")
            out.write(line: "mode     rerank            recall@1  recall@10  MRR@10   p50 ms   p95 ms")
        }
        for row in rows {
            let metrics = row.metrics
            let isDefault = Self.isDefault(row) && candidates == QueryDefaults.candidates
            guard !json else {
                var writer = JSONWriter(capacity: 256)
                writer.object { line in
                    line.field("mode", row.mode.rawValue)
                    line.field("rerank", row.rerank.rawValue)
                    line.field("queries", metrics.queries)
                    line.field("recall_at_1", Format.rounded(metrics.recallAt1, 4))
                    line.field("recall_at_10", Format.rounded(metrics.recallAt10, 4))
                    line.field("mrr_at_10", Format.rounded(metrics.mrrAt10, 4))
                    line.field("p50_ms", Format.rounded(metrics.latencyP50 * 1000, 2))
                    line.field("p95_ms", Format.rounded(metrics.latencyP95 * 1000, 2))
                    line.field("default", isDefault)
                }
                out.write(line: writer.text)
                continue
            }
            out.write(
                line: Format.padded(row.mode.rawValue, 9) + Format.padded(row.rerank.rawValue, 18)
                    + Format.padded(Format.fixed(metrics.recallAt1, 3), 10)
                    + Format.padded(Format.fixed(metrics.recallAt10, 3), 11)
                    + Format.padded(Format.fixed(metrics.mrrAt10, 3), 9)
                    + Format.padded(Format.fixed(metrics.latencyP50 * 1000, 1), 9)
                    + Format.padded(Format.fixed(metrics.latencyP95 * 1000, 1), 9) + (isDefault ? "default" : ""))
        }
        return .success
    }

    func write(trace path: String, queries: [EvaluationQuery], engine: QueryEngine) async throws -> ExitStatus {
        let file = try OutputFile(
            path: path, refusal: .cantCreate, option: "--trace",
            inputs: [("the evaluation set", queriesFile), ("the store", search.store)])
        for (index, query) in queries.enumerated() {
            let trace = try await engine.trace(query.text, candidates: candidates)
            file.terminal.append(trace.jsonLine(relevant: query.relevant))
            if !quiet, (index + 1) % 100 == 0 || index + 1 == queries.count {
                Terminal.errors.write(line: "ovindex eval: traced \(index + 1)/\(queries.count)")
            }
        }
        try file.close()
        return .success
    }

    /// Whether a row is what `ovindex query` does with no flags (at the default number of candidates).
    static func isDefault(_ row: EvaluationRow) -> Bool {
        row.mode == QueryDefaults.mode && row.rerank == QueryDefaults.rerank
    }
}

extension ValueCodec {
    /// A comma-separated list of an enumeration's raw values ("vector,hybrid").
    static func list<Element: RawRepresentable & CaseIterable & Sendable>(_: Element.Type) -> ValueCodec<[Element]>
    where Element.RawValue == String, Value == [Element] {
        // Every item one of the values, none empty and none twice.
        let parse: @Sendable (String) -> [Element]? = { text in
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let values = items.compactMap(Element.init(rawValue:))
            guard !items.isEmpty, values.count == items.count, Set(items).count == items.count else { return nil }
            return values
        }
        return ValueCodec<[Element]>(
            domain: .choices(Element.allCases.map(\.rawValue)),
            parse: parse,
            decode: { $0.stringValue.flatMap(parse) },
            encode: { .string($0.map(\.rawValue).joined(separator: ",")) },
            show: { $0.map(\.rawValue).joined(separator: ",") })
    }
}
