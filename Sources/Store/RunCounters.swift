import TextIO

public struct RunCounters: Sendable, Equatable {
    public var documentsSeen = 0
    public var documentsIndexed = 0
    public var documentsUnchanged = 0
    public var documentsRejected = 0
    public var documentsPruned = 0
    /// Documents that could not be finished this run (read or inference failures); the next run retries them.
    public var documentsFailed = 0
    public var chunksWritten = 0
    public var tokensEmbedded = 0

    public init() {}
}
