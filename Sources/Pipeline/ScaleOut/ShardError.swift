public import Host
import Foundation
public import Host
import TextIO
import Checksum

public struct ShardError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ShardError: ExitStatusError {
    public var exitStatus: ExitStatus { .usage }
}
