public import Host

/// A stop (a signal) that came while the run was removing documents: it stopped between batches.
public struct RunStopped: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String { "stopped by a signal" }
}

extension RunStopped: ExitStatusError {
    public var exitStatus: ExitStatus { .interrupted }
}
