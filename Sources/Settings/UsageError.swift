public import Host
/// A mistake on the command line (exit status 64): what was wrong, naming the option or argument.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension UsageError: ExitStatusError {
    public var exitStatus: ExitStatus { .usage }
}
