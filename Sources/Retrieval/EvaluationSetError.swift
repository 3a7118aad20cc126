public import Host
import TextIO

/// An evaluation set that cannot be read (missing) or holds a bad record.
public struct EvaluationSetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// True when the file itself could not be opened.
    public var missing: Bool
    public var description: String { message }
}

extension EvaluationSetError: ExitStatusError {
    public var exitStatus: ExitStatus { missing ? .noInput : .dataError }
}
