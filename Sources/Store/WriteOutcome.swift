import TextIO

/// What one write did.
public struct WriteOutcome: Sendable, Equatable {
    public var indexed = 0
    public var unchanged = 0
    public var rejected = 0
    public var chunks = 0

    public init() {}
}
