public import Host
/// A source that cannot be read at all: a run stops before it writes anything (exit 66).
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "source \(path): \(message); nothing was written" }
}

extension SourceError: ExitStatusError {
    public var exitStatus: ExitStatus { .noInput }
}
