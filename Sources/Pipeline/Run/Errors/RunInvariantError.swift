public import Host

/// A broken promise inside the pipeline: reported as a failure rather than a run that claims to be complete.
public struct RunInvariantError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension RunInvariantError: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}
