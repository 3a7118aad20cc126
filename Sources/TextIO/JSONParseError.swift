public import Host

/// Why a JSON text could not be parsed: what was expected and at which byte.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// 1-based byte column in the parsed text.
    public var column: Int

    public var description: String { "\(message) at column \(column)" }
}

extension JSONParseError: ExitStatusError {
    public var exitStatus: ExitStatus { .dataError }
}
