public import Host
/// Why a run could not take its store.
public struct RunLockError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Another process holds the lock.
        case busy
        /// The store cannot be opened or locked (read-only media, missing folder, a filesystem without locks).
        case io
        /// The path is not a store file that can be written safely (a device, a fifo, a hard-linked file).
        case notAStore
    }

    public var path: String
    public var kind: Kind
    public var message: String

    public init(path: String, kind: Kind, message: String) {
        self.path = path
        self.kind = kind
        self.message = message
    }

    public var description: String { "store \(path): \(message)" }
}

extension RunLockError: ExitStatusError {
    public var exitStatus: ExitStatus {
        switch kind {
        case .busy: .failure
        case .io: .ioError
        case .notAStore: .dataError
        }
    }
}
