import TextIO

/// How far a run has come: written with every batch, in the same transaction.
public struct RunProgress: Sendable, Equatable {
    public var runID: Int64
    public var counters: RunCounters
    /// Where the run stands (for resuming), as the pipeline defines it (JSON).
    public var cursor: String

    public init(runID: Int64, counters: RunCounters, cursor: String = "{}") {
        self.runID = runID
        self.counters = counters
        self.cursor = cursor
    }
}
