import Foundation
public import Host
import TextIO
import Store

/// A shard that cannot be merged: missing, not ready in time, the output itself, or with an unfinished run.
public struct MergeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case missing, notReady, sameFile, incomplete
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension MergeError: ExitStatusError {
    public var exitStatus: ExitStatus {
        switch kind {
        case .missing, .notReady: .noInput
        case .sameFile: .usage
        case .incomplete: .failure
        }
    }
}
