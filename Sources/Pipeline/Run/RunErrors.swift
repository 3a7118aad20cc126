public import Host
// The errors that end a run after it began (each maps to its exit status in the tool).

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

/// A broken promise inside the pipeline: reported as a failure rather than a run that claims to be complete.
public struct RunInvariantError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A run that failed, with what it had done when it failed.
public struct RunFailure: Error, CustomStringConvertible {
    public var report: RunReport
    public var underlying: any Error
    public var description: String { "\(underlying)" }
}


/// Removing documents refused because it would take too large a share of a source: nothing was removed.
public struct PruneRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var notes: [String]
    public var description: String { message }
}

/// A stop (a signal) that came while the run was removing documents: it stopped between batches.
public struct RunStopped: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String { "stopped by a signal" }
}

extension DocumentFailures: ExitStatusError {
    /// Read errors alone are I/O errors (74); a document that could not be embedded is a failure (1).
    public var exitStatus: ExitStatus { onlyIO ? .ioError : .failure }
}

extension RunInvariantError: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}

extension RunFailure: ExitStatusError {
    public var exitStatus: ExitStatus { ExitStatus(for: underlying) }
}

extension PruneRefused: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}

extension RunStopped: ExitStatusError {
    public var exitStatus: ExitStatus { .interrupted }
}
