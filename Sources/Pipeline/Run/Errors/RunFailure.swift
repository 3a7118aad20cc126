public import Host

/// A run that failed, with what it had done when it failed.
public struct RunFailure: Error, CustomStringConvertible {
    public var report: RunReport
    public var underlying: any Error
    public var description: String { "\(underlying)" }
}

extension RunFailure: ExitStatusError {
    public var exitStatus: ExitStatus { ExitStatus(for: underlying) }
}
