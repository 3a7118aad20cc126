public import Store

/// How a run ended, with its counts (the `--json` report).
public struct RunReport: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case completed, interrupted, failed
    }

    public var runID: Int64
    public var outcome: Outcome
    public var counters: RunCounters
    public var rejects: Int
    public var chunksEmbedded: Int
    public var seconds: Double
    public var peakRSSBytes: Int
    public var error: String?
    /// What the run wants its user to know although it is not an error (sources kept from pruning, ...).
    public var notes: [String] = []
    /// Stored documents whose label changed because the labels or examples did (nil when the run does not
    /// classify); their vectors were kept.
    public var documentsRelabelled: Int? = nil
}
