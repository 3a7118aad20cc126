import Foundation
import Host
import SQLite

/// The vector store: one SQLite file holding documents, chunks, their vectors (f32 and int8), full-text index,
/// runs and rejects, plus the identity of the model that made the vectors.
///
/// A `Store` wraps one connection and belongs to one task; open one per task or process. Readers in other
/// processes can query while a writer writes (WAL): they see each batch whole or not at all.
public final class Store {
    public enum Mode: Sendable {
        /// Read and write; create the file when it does not exist.
        case readWrite
        /// Read and write a store that must already exist (maintenance: vacuum, check).
        case readWriteExisting
        /// Read only; the store must exist. Never changes the file.
        case readOnly
    }

    public let path: String
    public let mode: Mode
    /// The connection, for this module and its tests (`@testable import Store`): callers go through the store's API.
    let connection: Connection
    /// The file's schema version as opened: this build's after a writer's migrations; a reader opens an older
    /// readable one as it is (`Schema.oldestReadable`).
    let openedSchemaVersion: Int

    /// The schema version this build writes and reads.
    public static var schemaVersion: Int { Schema.version }

    /// Opens (or creates) the store at `path`, applying missing migrations when writable.
    ///
    /// Checks before touching the file: a file that is not SQLite, an SQLite file of another application,
    /// or a store from a newer ovindex is refused with `StoreError` and left unchanged.
    public convenience init(path: String, mode: Mode = .readWrite) throws(StoreError) {
        try self.init(path: path, mode: mode, migrations: Schema.migrations, readableFrom: Schema.oldestReadable)
    }

    /// - Parameters:
    ///   - migrations: the schema's migrations (the tests pass longer lists to exercise upgrades).
    ///   - readableFrom: the oldest version a reader opens without migrating (what it lacks reads as absent).
    init(path: String, mode: Mode, migrations: [String], readableFrom: Int? = nil) throws(StoreError) {
        self.path = path
        self.mode = mode
        let exists = FileManager.default.fileExists(atPath: path)
        if exists {
            // A fifo would block the open, a device would be read (or overwritten) as a database.
            guard System.stat(path)?.isRegularFile == true else {
                throw StoreError(.notAStore, path: path, message: "is not a regular file, so not a store; nothing was changed")
            }
        }
        if mode != .readOnly, let network = FileSystem.storeRefusal(at: path) {
            throw StoreError(.networkFilesystem, path: path, message: FileSystem.refusalMessage(network))
        }
        if exists {
            try Self.inspect(path, supported: migrations.count, mode: mode)
        } else if mode != .readWrite {
            throw StoreError(.missing, path: path, message: "no store at this path")
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw StoreError(.database, path: path, message: "folder \(folder) does not exist")
            }
        }
        do {
            connection = try Connection(path: path, mode: mode == .readOnly ? .readOnly : .readWriteCreate)
            try connection.execute("PRAGMA mmap_size = 0")
            if mode != .readOnly {
                openedSchemaVersion = migrations.count
                try migrate(migrations)
            } else {
                let version = Int(try connection.scalarInt("PRAGMA user_version") ?? 0)
                openedSchemaVersion = version
                if version == 0 {
                    throw StoreError(
                        .notAStore, path: path,
                        message: "is an empty SQLite file, not a store yet (a run that created it did not finish): "
                            + "run it again, or delete the file")
                }
                if version < (readableFrom ?? migrations.count) {
                    throw StoreError(
                        .notAStore, path: path,
                        message: "schema version \(version) needs an upgrade: open it once with a writing command")
                }
            }
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            if !exists { try? FileManager.default.removeItem(atPath: path) }
            throw Self.explain(error, path: path, mode: mode)
        } catch {
            throw StoreError(.database, path: path, message: "\(error)")
        }
    }

    /// Refuses files that are not ovindex stores before anything could modify them.
    private static func inspect(_ path: String, supported: Int, mode: Mode) throws(StoreError) {
        let probe: Connection
        do {
            probe = try Connection(path: path, mode: .readOnly)
        } catch {
            throw explain(error, path: path, mode: mode)
        }
        do {
            let application = Int32(truncatingIfNeeded: try probe.scalarInt("PRAGMA application_id") ?? 0)
            let version = Int(try probe.scalarInt("PRAGMA user_version") ?? 0)
            let tables = try probe.scalarInt("SELECT count(*) FROM sqlite_master") ?? 0
            if application != Schema.applicationID && (tables > 0 || version > 0) {
                throw StoreError(
                    .notAStore, path: path,
                    message: "is an SQLite database of another application, not an ovindex store; nothing was changed")
            }
            if version < 0 {
                throw StoreError(
                    .notAStore, path: path,
                    message: "schema version \(version) is not one ovindex writes (damaged, or not a store); nothing was changed")
            }
            if version > supported {
                throw StoreError(
                    .newerSchema(found: version, supported: supported), path: path,
                    message: "schema version \(version) is newer than this ovindex supports (\(supported)): "
                        + "use a newer ovindex; nothing was changed")
            }
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            throw explain(error, path: path, mode: mode)
        } catch {
            throw StoreError(.database, path: path, message: "\(error)")
        }
    }

    static func explain(_ error: SQLiteError, path: String, mode: Mode = .readWrite) -> StoreError {
        if mode == .readOnly, error.primaryCode == SQLiteError.cantOpen,
            FileManager.default.fileExists(atPath: path + "-wal")
        {
            return StoreError(
                .database, path: path,
                message: "cannot be read here: it has a write-ahead log (-wal) whose index (-shm) cannot be created "
                    + "in this read-only location; open it once where it can be written, or copy it with its -wal "
                    + "and -shm files", cause: error)
        }
        return switch error.primaryCode {
        case SQLiteError.notADatabase:
            StoreError(
                .notAStore, path: path, message: "is not an SQLite database (not an ovindex store); nothing was changed"
            )
        case SQLiteError.corrupt:
            StoreError(
                .corrupt, path: path,
                message: "is corrupt: restore it from a backup or rebuild it with a new store", cause: error)
        case SQLiteError.readOnly, SQLiteError.cantOpen:
            StoreError(
                .database, path: path, message: "cannot open for writing (read-only location or missing folder?)",
                cause: error)
        default:
            StoreError(.database, path: path, message: "SQLite failed", cause: error)
        }
    }

    /// Applies the migrations the store lacks, all in one transaction; an existing store is checked first, so a
    /// damaged one is not written to.
    private func migrate(_ migrations: [String]) throws {
        let version = Int(try connection.scalarInt("PRAGMA user_version") ?? 0)
        guard version < migrations.count else { return }
        if version > 0 { try requireIntact() }
        try connection.inTransaction(.exclusive) {
            for migration in migrations[version...] {
                try connection.execute(migration)
            }
            try connection.execute("PRAGMA application_id = \(Schema.applicationID)")
            try connection.execute("PRAGMA user_version = \(migrations.count)")
        }
    }

    /// Runs `body` and turns SQLite errors into `StoreError`s that name the store and the action.
    func perform<R>(_ action: String, _ body: () throws -> R) throws(StoreError) -> R {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            if error.primaryCode == SQLiteError.readOnly {
                throw StoreError(.database, path: path, message: "\(action): the store is read-only here", cause: error)
            }
            if error.primaryCode == SQLiteError.corrupt || error.primaryCode == SQLiteError.notADatabase {
                throw StoreError(
                    .corrupt, path: path, message: "\(action): the store is corrupt: restore it from a backup or rebuild it",
                    cause: error)
            }
            throw StoreError.database(path, action, error)
        } catch {
            throw StoreError(.database, path: path, message: "\(action): \(error)")
        }
    }

    /// Runs `body` in one read transaction (one consistent snapshot), unless a transaction is already open.
    func readSnapshot<R>(_ body: () throws -> R) throws -> R {
        guard connection.isAutocommit else { return try body() }
        try connection.execute("BEGIN DEFERRED")
        do {
            let result = try body()
            try connection.execute("COMMIT")
            return result
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Reclaims the space of deleted rows (`VACUUM`), merges the full-text index and checkpoints the WAL.
    ///
    /// - Throws: `StoreError.Kind.corrupt`, before anything is rewritten, when the quick check fails.
    public func vacuum() throws(StoreError) {
        try requireIntact()
        try perform("vacuuming") {
            try connection.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
            try connection.execute("VACUUM")
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Writes a consistent copy of the store to `path` (`VACUUM INTO`): one self-contained file without a
    /// write-ahead log (rollback journal mode), compacted, as of the last commit. `path` must not exist.
    /// A reader of the copy needs no `-shm` file, so it can be read where shared memory cannot be.
    public func snapshot(to path: String) throws(StoreError) {
        try perform("copying the store to \(path)") {
            try connection.execute("VACUUM INTO ?", [path])
        }
    }

    /// Size of the database file plus its WAL, in bytes.
    public var fileSize: Int {
        let files = [path, path + "-wal"]
        return files.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }
}

@available(*, unavailable, message: "a store wraps one connection: open one per task")
extension Store: Sendable {}

extension Store {
    /// The SQLite library's version ("3.40.1").
    public static var libraryVersion: String { Connection.libraryVersion }
}
