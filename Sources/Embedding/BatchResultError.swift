public import Host
import Tokenizer

/// A batch whose results do not match its inputs (a model that returned fewer or more rows than it was given).
public struct BatchResultError: Error, Sendable, Equatable, CustomStringConvertible {
    public var expected: Int
    public var received: Int
    public var description: String { "a batch of \(expected) inputs returned \(received) results" }
}

extension BatchResultError: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}
