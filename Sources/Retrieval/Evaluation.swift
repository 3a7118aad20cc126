public import Host
import TextIO

/// Retrieval quality and latency over queries with known relevant documents.
public struct EvaluationMetrics: Sendable, Equatable {
    public var queries = 0
    /// Queries whose first result is relevant.
    private var top1 = 0.0
    /// Sum over queries of the share of relevant documents found in the top 10.
    private var found10 = 0.0
    /// Sum of 1 / rank of the first relevant result within the top 10.
    private var reciprocalRanks = 0.0
    public private(set) var latencies: [Double] = []

    public init() {}

    /// Adds one query: `ranked` are the returned document ids, best first; `seconds` its latency.
    public mutating func add(ranked: [String], relevant: Set<String>, seconds: Double) {
        queries += 1
        latencies.append(seconds)
        guard !relevant.isEmpty else { return }
        if let first = ranked.first, relevant.contains(first) { top1 += 1 }
        let top = ranked.prefix(10)
        found10 += Double(Set(top).intersection(relevant).count) / Double(relevant.count)
        if let rank = top.firstIndex(where: relevant.contains) { reciprocalRanks += 1 / Double(rank + 1) }
    }

    public var recallAt1: Double { queries > 0 ? top1 / Double(queries) : 0 }
    public var recallAt10: Double { queries > 0 ? found10 / Double(queries) : 0 }
    public var mrrAt10: Double { queries > 0 ? reciprocalRanks / Double(queries) : 0 }
    public var latencyP50: Double { Self.percentile(latencies, 0.50) }
    public var latencyP95: Double { Self.percentile(latencies, 0.95) }

    /// The nearest-rank percentile (the smallest value with at least `fraction` of values at or below it).
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

/// A query with the documents that answer it (a line of an evaluation set).
public struct EvaluationQuery: Sendable, Equatable {
    public var text: String
    public var relevant: Set<String>

    public init(text: String, relevant: Set<String>) {
        self.text = text
        self.relevant = relevant
    }

    /// Reads an evaluation set: JSON Lines `{"id", "query", "relevant": "DOC" or ["DOC", ...]}`.
    ///
    /// - Throws: `EvaluationSetError` naming the file and line of the first bad record (or the missing file).
    public static func read(_ path: String, limit: Int? = nil) throws(EvaluationSetError) -> [EvaluationQuery] {
        let reader: TextRecordReader
        do {
            reader = try TextRecordReader(
                path: path, format: .jsonLines, maximumLineBytes: TextRecordReader.defaultMaximumLineBytes)
        } catch {
            throw EvaluationSetError(message: error.description, missing: true)
        }
        reader.textField = "query"
        var queries: [EvaluationQuery] = []
        do {
            while let next = try reader.next() {
                let record: TextRecord
                switch next {
                case .success(let value): record = value
                case .failure(let problem): throw EvaluationSetError(message: problem.description, missing: false)
                }
                let relevant: [String]
                switch record.fields?["relevant"] {
                case .string(let one): relevant = [one]
                case .array(let many): relevant = many.compactMap(\.stringValue)
                default:
                    throw EvaluationSetError(
                        message: "\(reader.inputName):\(record.line): \"relevant\" must be a document id or a list of them",
                        missing: false)
                }
                guard !relevant.isEmpty else {
                    throw EvaluationSetError(message: "\(reader.inputName):\(record.line): \"relevant\" is empty", missing: false)
                }
                queries.append(EvaluationQuery(text: record.text, relevant: Set(relevant)))
                if let limit, queries.count >= limit { break }
            }
        } catch let error as EvaluationSetError {
            throw error
        } catch {
            throw EvaluationSetError(message: "\(error)", missing: false)
        }
        guard !queries.isEmpty else { throw EvaluationSetError(message: "\(path) has no queries", missing: false) }
        return queries
    }
}

/// An evaluation set that cannot be read (missing) or holds a bad record.
public struct EvaluationSetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// True when the file itself could not be opened.
    public var missing: Bool
    public var description: String { message }
}

/// One configuration of the evaluation grid and how it did.
public struct EvaluationRow: Sendable {
    public var mode: RetrievalMode
    public var rerank: RerankMethod
    public var metrics: EvaluationMetrics
}

extension QueryEngine {
    /// Answers every query with each mode and rerank stage (one warm-up query per configuration first, so that
    /// a new input shape's compilation is not timed) and measures each configuration.
    ///
    /// - Parameter progress: called after each query with the configuration and how many queries are done.
    public func evaluate(
        _ queries: [EvaluationQuery], modes: [RetrievalMode], reranks: [RerankMethod], candidates: Int,
        progress: (_ mode: RetrievalMode, _ rerank: RerankMethod, _ done: Int) -> Void = { _, _, _ in }
    ) async throws -> [EvaluationRow] {
        var rows: [EvaluationRow] = []
        guard let first = queries.first else { return rows }
        for mode in modes {
            for rerank in reranks {
                let options = QueryOptions(k: 10, candidates: candidates, mode: mode, rerank: rerank)
                _ = try await query(first.text, options: options)
                var metrics = EvaluationMetrics()
                for (index, query) in queries.enumerated() {
                    let answer = try await self.query(query.text, options: options)
                    metrics.add(
                        ranked: answer.results.map(\.hit.documentKey), relevant: query.relevant,
                        seconds: answer.seconds)
                    progress(mode, rerank, index + 1)
                }
                rows.append(EvaluationRow(mode: mode, rerank: rerank, metrics: metrics))
            }
        }
        return rows
    }
}

extension EvaluationSetError: ExitStatusError {
    public var exitStatus: ExitStatus { missing ? .noInput : .dataError }
}
