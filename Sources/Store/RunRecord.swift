import SQLite

/// One indexing run as the store recorded it.
public struct RunRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case running, completed, interrupted, failed
    }

    public var id: Int64
    public var startedAt: String
    public var updatedAt: String
    public var finishedAt: String?
    public var status: Status
    public var settings: String
    public var counters: RunCounters
    public var cursor: String
    public var error: String?
}
