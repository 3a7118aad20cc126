public import Host
import Foundation
public import Host

/// An I/O failure injected by the fault plan at a store operation.
public struct InjectedFault: Error, Sendable, Equatable, CustomStringConvertible {
    public var point: String
    public var store: String
    public var description: String { "store \(store): \(point): disk I/O error (injected by OVINDEX_FAULTS)" }
}

extension InjectedFault: ExitStatusError {
    public var exitStatus: ExitStatus { .ioError }
}
