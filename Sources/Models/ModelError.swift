public import Host
/// A model directory that cannot be used: which one, and why.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "model \(path): \(message)" }
}

extension ModelError: ExitStatusError {
    public var exitStatus: ExitStatus { .unavailable }
}
