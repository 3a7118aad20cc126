public import Host

/// A definition field that is unknown, missing or invalid, or a definition file that cannot be read.
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String?
    public var message: String
    /// The file itself could not be read (missing, a folder): missing input, not a mistake in it.
    public var unreadable: Bool

    public init(file: String, field: String?, message: String, unreadable: Bool = false) {
        self.file = file
        self.field = field
        self.message = message
        self.unreadable = unreadable
    }

    public var description: String {
        if let field { return "\(file): \(field) \(message)" }
        return "\(file): \(message)"
    }
}

extension DefinitionError: ExitStatusError {
    public var exitStatus: ExitStatus { unreadable ? .noInput : .usage }
}
