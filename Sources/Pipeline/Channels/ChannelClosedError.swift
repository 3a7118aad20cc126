public import Host

/// Sending to a channel whose receiver has stopped.
public struct ChannelClosedError: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "the channel was closed by its receiver" }
}

extension ChannelClosedError: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}
