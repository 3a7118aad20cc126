import Foundation
public import Host
import Store

/// Publishing a finished store failed; the published copy, if any, is unchanged.
public struct PublishError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// The target cannot be used at all (checked before the run); otherwise reading or writing failed.
    public var unusableTarget: Bool

    public init(path: String, message: String, unusableTarget: Bool = false) {
        self.path = path
        self.message = message
        self.unusableTarget = unusableTarget
    }

    public var description: String { "publish \(path): \(message)" }
}

extension PublishError: ExitStatusError {
    /// A target that cannot hold a store (a network file system) cannot be created there; anything else is
    /// an I/O error.
    public var exitStatus: ExitStatus { unusableTarget ? .cantCreate : .ioError }
}
