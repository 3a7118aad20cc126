import Host
public import Tokenizer

/// Groups encoded texts into batches under a token budget, longest texts together, to cut padding.
///
/// A batch's cost is rows × its longest sequence (what the model computes, padding included); a batch never
/// exceeds `budget` unless a single text alone does (then it runs alone). Texts are sorted by length within
/// the window the caller passes, so memory stays bounded by the window.
public struct TokenBatcher: Sendable {
    public var budget: Int
    public var maximumRows: Int
    /// Lengths are counted rounded up to this multiple, as the embedder pads them.
    public var lengthMultiple: Int

    public init(budget: Int, maximumRows: Int = InferenceLimits.defaultBatchRows, lengthMultiple: Int = 1) {
        precondition(budget > 0 && maximumRows > 0 && lengthMultiple > 0)
        self.budget = budget
        self.maximumRows = maximumRows
        self.lengthMultiple = lengthMultiple
    }

    /// Indices into `lengths`, grouped into batches (each batch sorted longest first).
    ///
    /// - Parameter requests: when these are a run's last texts, how many requests will run them concurrently.
    ///   With two or more, the last batches shrink: each takes at most a `2 × requests`-th of what is left (never
    ///   under a sixteenth of the budget), so the requests run out of work together instead of one running the
    ///   last full batch alone while the others idle. Zero (the default) or one cuts every batch to the budget.
    public func batches(lengths: [Int], finishingOn requests: Int = 0) -> [[Int]] {
        let order = lengths.indices.sorted { (lengths[$0], $1) > (lengths[$1], $0) }
        let padded = order.map { (lengths[$0] + lengthMultiple - 1) / lengthMultiple * lengthMultiple }
        let tapers = requests > 1
        let smallest = max(lengthMultiple, budget / 16)
        var remaining = padded.reduce(0, +)
        var batches: [[Int]] = []
        var current: [Int] = []
        var longest = 0
        var limit = budget
        for (index, length) in zip(order, padded) {
            let widest = max(longest, length)
            if !current.isEmpty && (widest * (current.count + 1) > limit || current.count >= maximumRows) {
                batches.append(current)
                current = []
                longest = 0
            }
            if current.isEmpty && tapers { limit = min(budget, max(smallest, remaining / (2 * requests))) }
            current.append(index)
            longest = max(longest, length)
            remaining -= length
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}

extension TokenBatcher {
    /// Runs `body` on the batches of `encodings` (grouped by length, all at once: the engine's request pool
    /// bounds how many actually run) and returns its results in input order, one per encoding.
    public func map<R: Sendable>(
        _ encodings: [Encoding], _ body: @escaping @Sendable ([Encoding]) async throws -> [R]
    ) async throws -> [R] {
        var results = [R?](repeating: nil, count: encodings.count)
        try await withThrowingTaskGroup(of: ([Int], [R]).self) { group in
            for indices in batches(lengths: encodings.map(\.count)) {
                let batch = indices.map { encodings[$0] }
                group.addTask { (indices, try await body(batch)) }
            }
            for try await (indices, values) in group {
                guard values.count == indices.count else {
                    throw BatchResultError(expected: indices.count, received: values.count)
                }
                for (index, value) in zip(indices, values) { results[index] = value }
            }
        }
        return try results.map { result throws(BatchResultError) in
            guard let result else { throw BatchResultError(expected: encodings.count, received: 0) }
            return result
        }
    }
}
