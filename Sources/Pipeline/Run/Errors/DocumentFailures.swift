public import Host

/// Documents (or folders) that could not be read or embedded: listed as failures, retried by the next run.
public struct DocumentFailures: Error, Sendable, Equatable, CustomStringConvertible {
    /// Documents that could not be finished.
    public var count: Int
    /// Failures without a document of their own (a folder that could not be listed).
    public var withoutDocument: Int
    public var first: String
    /// True when every failure was an I/O error (exit 74), false when inference failed too (exit 1).
    public var onlyIO: Bool

    public var description: String {
        var parts: [String] = []
        if count > 0 { parts.append("\(count) documents could not be finished") }
        if withoutDocument > 0 { parts.append("\(withoutDocument) folders or files could not be read") }
        return parts.joined(separator: " and ") + " (first: \(first)); they are listed as failures in the store "
            + "('ovindex store info') and the next run tries them again"
    }
}

extension DocumentFailures: ExitStatusError {
    /// Read errors alone are I/O errors (74); a document that could not be embedded is a failure (1).
    public var exitStatus: ExitStatus { onlyIO ? .ioError : .failure }
}
