import Host
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
