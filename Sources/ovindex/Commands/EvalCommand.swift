import Foundation
import Retrieval
import TextIO

/// `ovindex eval`: recall and latency of every retrieval mode and rerank stage on queries with known answers.
struct EvalCommand: Command {
    static let name = "eval"
    static let summary = "Measure recall@1, recall@10, MRR@10 and latency of each mode and rerank stage"
    static let help = """
        Usage: ovindex eval --store PATH --queries FILE [options]

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

        Options:
          --mode M[,M...]        modes to measure (default: vector,keyword,hybrid)
          --rerank R[,R...]      rerank stages (default: none,late-interaction, and cross-encoder with --reranker)
          --candidates N         chunks retrieved before reranking (default \(QueryDefaults.candidates))
          --limit N              only the first N queries
          --json                 one JSON line per mode and stage instead of the table
          --trace FILE           instead of the grid, write each query's vector and keyword candidates and
                                 their late-interaction scores as JSON Lines (scripts/tune_query.py reads it)
          --quiet                no progress on stderr

        """ + SearchSetup.help

    var setup: SearchSetup
    var queriesFile: String
    var modes: [RetrievalMode]
    var reranks: [RerankMethod]
    var candidates: Int
    var limit: Int?
    var json: Bool
    var quiet: Bool
    var trace: String?

    init(parsing arguments: inout Arguments) throws(UsageError) {
        setup = try SearchSetup(parsing: &arguments, command: Self.name)
        guard let queries = try arguments.option("--queries") else {
            throw UsageError(command: Self.name, message: "--queries FILE is required")
        }
        queriesFile = queries
        modes = try Self.list(arguments.option("--mode"), RetrievalMode.self, name: "--mode") ?? RetrievalMode.allCases
        reranks =
            try Self.list(arguments.option("--rerank"), RerankMethod.self, name: "--rerank")
            ?? (setup.reranker == nil ? [.none, .lateInteraction] : RerankMethod.allCases)
        if reranks.contains(.crossEncoder), setup.reranker == nil {
            throw UsageError(command: Self.name, message: "--rerank cross-encoder needs --reranker DIR")
        }
        candidates = try arguments.integer("--candidates", in: 1...QueryOptions.maximumCandidates) ?? QueryDefaults.candidates
        limit = try arguments.integer("--limit", in: 1...10_000_000)
        json = arguments.flag("--json")
        trace = try arguments.option("--trace")
        quiet = arguments.flag("--quiet", "-q")
        _ = try arguments.positionals(max: 0)
    }

    static func list<T: RawRepresentable & CaseIterable>(_ text: String?, _ type: T.Type, name: String)
        throws(UsageError) -> [T]? where T.RawValue == String
    {
        guard let text else { return nil }
        var values: [T] = []
        for part in text.split(separator: ",") {
            guard let value = T(rawValue: String(part)) else {
                throw UsageError(
                    command: Self.name,
                    message: "\(name) '\(part)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            values.append(value)
        }
        return values
    }

    func run() async throws -> ExitCode {
        let queries = try EvaluationQuery.read(queriesFile, limit: limit)
        let engine = try await setup.load()
        if let trace { return try await write(trace: trace, queries: queries, engine: engine) }
        let rows = try await engine.evaluate(
            queries, modes: modes, reranks: reranks, candidates: candidates
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
        if json {
            for row in rows {
                let metrics = row.metrics
                var writer = JSONWriter(capacity: 256)
                writer.raw("{")
                writer.key("mode", first: true)
                writer.string(row.mode.rawValue)
                writer.key("rerank")
                writer.string(row.rerank.rawValue)
                writer.key("queries")
                writer.integer(metrics.queries)
                writer.key("recall_at_1")
                writer.double(Self.round(metrics.recallAt1, 4))
                writer.key("recall_at_10")
                writer.double(Self.round(metrics.recallAt10, 4))
                writer.key("mrr_at_10")
                writer.double(Self.round(metrics.mrrAt10, 4))
                writer.key("p50_ms")
                writer.double(Self.round(metrics.latencyP50 * 1000, 2))
                writer.key("p95_ms")
                writer.double(Self.round(metrics.latencyP95 * 1000, 2))
                writer.key("default")
                writer.raw(Self.isDefault(row) && candidates == QueryDefaults.candidates ? "true" : "false")
                writer.raw("}\n")
                Terminal.output.append(writer.bytes)
            }
        } else {
            let out = Terminal.output
            out.write(line: "\(queries.count) queries, \(engine.indexedChunks) chunks, \(candidates) candidates")
            out.write(line: "mode     rerank            recall@1  recall@10  MRR@10   p50 ms   p95 ms")
            for row in rows {
                let metrics = row.metrics
                out.write(
                    line: row.mode.rawValue.padding(to: 9) + row.rerank.rawValue.padding(to: 18)
                        + Self.fixed(metrics.recallAt1, 3).padding(to: 10)
                        + Self.fixed(metrics.recallAt10, 3).padding(to: 11)
                        + Self.fixed(metrics.mrrAt10, 3).padding(to: 9)
                        + Self.fixed(metrics.latencyP50 * 1000, 1).padding(to: 9)
                        + Self.fixed(metrics.latencyP95 * 1000, 1).padding(to: 9)
                        + (Self.isDefault(row) && candidates == QueryDefaults.candidates ? "default" : ""))
            }
        }
        return .success
    }

    func write(trace path: String, queries: [EvaluationQuery], engine: QueryEngine) async throws -> ExitCode {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let file = FileHandle(forWritingAtPath: path)
        else {
            Terminal.errors.write(line: "ovindex eval: cannot create \(path)")
            return .cantCreate
        }
        defer { try? file.close() }
        for (index, query) in queries.enumerated() {
            let trace = try await engine.trace(query.text, candidates: candidates)
            var writer = JSONWriter(capacity: 4096)
            writer.raw("{")
            writer.key("relevant", first: true)
            writer.raw("[")
            for (position, key) in query.relevant.sorted().enumerated() {
                if position > 0 { writer.raw(",") }
                writer.string(key)
            }
            writer.raw("]")
            for (name, list) in [("vector", trace.vector), ("keyword", trace.keyword)] {
                writer.raw(",")
                writer.string(name)
                writer.raw(":[")
                for (position, item) in list.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.raw("[")
                    writer.integer(item.chunkID)
                    writer.raw(",")
                    writer.string(item.documentKey)
                    writer.raw("]")
                }
                writer.raw("]")
            }
            writer.raw(",\"late\":{")
            for (position, (id, score)) in trace.lateInteraction.sorted(by: { $0.key < $1.key }).enumerated() {
                if position > 0 { writer.raw(",") }
                writer.string(String(id))
                writer.raw(":")
                writer.double(Double(score))
            }
            writer.raw("}}\n")
            try file.write(contentsOf: Data(writer.bytes))
            if !quiet, (index + 1) % 100 == 0 || index + 1 == queries.count {
                Terminal.errors.write(line: "ovindex eval: traced \(index + 1)/\(queries.count)")
            }
        }
        return .success
    }

    /// Whether a row is what `ovindex query` does with no flags (at the default number of candidates).
    static func isDefault(_ row: EvaluationRow) -> Bool {
        row.mode == QueryDefaults.mode && row.rerank == QueryDefaults.rerank
    }

    static func round(_ value: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    static func fixed(_ value: Double, _ places: Int) -> String {
        let rounded = round(value, places)
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < places { text += String(repeating: "0", count: places - decimals) }
        } else if places > 0 {
            text += "." + String(repeating: "0", count: places)
        }
        return text
    }
}
