public import Host

/// Removing documents refused because it would take too large a share of a source: nothing was removed.
public struct PruneRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var notes: [String]
    public var description: String { message }
}

extension PruneRefused: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}
