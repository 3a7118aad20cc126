public import Host
/// A file of an export that could not be written.
public struct ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

extension ExportError: ExitStatusError {
    public var exitStatus: ExitStatus { .ioError }
}
