public import Host

/// A label or example file that cannot be used: missing, not JSON Lines, or over a limit. It names the file, the
/// line and the limit; nothing is labelled.
public struct ClassificationInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file does not exist or cannot be read (66).
        case missing
        /// A line that is not what the file must hold, or a limit passed (65).
        case invalid
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension ClassificationInputError: ExitStatusError {
    public var exitStatus: ExitStatus { kind == .missing ? .noInput : .dataError }
}
