public import Host
import Foundation
public import Host

/// An `OVINDEX_FAULTS` entry that is not one of the known faults.
public struct FaultPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public var entry: String
    public var description: String {
        "\(Environment.faultsVariable): '\(entry)' is not a known fault (read=KEY, list=FOLDER, stall=KEY, "
            + "pause=KEY|prune|publish, inference=N[+], commit=N|final, prune, finish, publish, adopt, relabel, "
            + "network-fs)"
    }
}

extension FaultPlanError: ExitStatusError {
    public var exitStatus: ExitStatus { .usage }
}
