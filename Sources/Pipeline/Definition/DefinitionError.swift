public import Host
/// A definition field that is unknown, missing or invalid.
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String?
    public var message: String

    public init(file: String, field: String?, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(file): \(field) \(message)" }
        return "\(file): \(message)"
    }
}

extension DefinitionError: ExitStatusError {
    public var exitStatus: ExitStatus { .usage }
}
