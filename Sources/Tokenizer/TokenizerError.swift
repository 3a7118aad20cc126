public import Host
/// Why a tokenizer could not be loaded: the file, and what in it is missing or unsupported.
public struct TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "tokenizer \(path): \(message)" }
}

extension TokenizerError: ExitStatusError {
    public var exitStatus: ExitStatus { .unavailable }
}
