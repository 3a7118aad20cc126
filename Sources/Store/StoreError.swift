public import Host
public import SQLite

/// Why a store could not be opened, read or written.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file is not an SQLite database, or is one that is not an ovindex store.
        case notAStore
        /// The store was written by a newer ovindex (schema version above this build's).
        case newerSchema(found: Int, supported: Int)
        /// The store was built with another model than the one in use.
        case modelMismatch
        /// No store at the path (when opening for reading).
        case missing
        /// A write that breaks the store's rules (wrong vector dimension, duplicate chunk ordinal, ...).
        case invalidWrite
        /// The store holds no vectors yet (no model recorded): nothing to search.
        case empty
        /// The store was built before it kept what the request needs (chunk sections): a new store has it.
        case unsupported
        /// The file is damaged: SQLite's checks or ovindex's invariants fail. Nothing is written to it.
        case corrupt
        /// SQLite failed (I/O, lock, read-only location); `cause` has the details.
        case database
        /// The store would be written on a network file system (NFS, SMB, CephFS, ...), where SQLite's locks
        /// and write-ahead log are not safe: write it on a local disk and publish it there (`run --publish`).
        case networkFilesystem
    }

    public var kind: Kind
    public var path: String
    public var message: String
    public var cause: SQLiteError?

    public init(_ kind: Kind, path: String, message: String, cause: SQLiteError? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "store \(path): \(message)"
        if let cause { text += " (\(cause))" }
        return text
    }
}

extension StoreError {
    static func database(_ path: String, _ action: String, _ cause: SQLiteError) -> StoreError {
        StoreError(.database, path: path, message: action, cause: cause)
    }
}

extension StoreError: ExitStatusError {
    public var exitStatus: ExitStatus {
        switch kind {
        case .missing: .noInput
        case .notAStore, .newerSchema, .empty, .corrupt, .unsupported: .dataError
        case .modelMismatch: .failure
        case .invalidWrite: .software
        case .database: .ioError
        case .networkFilesystem: .cantCreate
        }
    }
}
