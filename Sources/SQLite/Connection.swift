internal import CSQLite
import Host

/// An open SQLite database (`sqlite3*`), configured for one writer and many readers. Closed on `deinit`.
///
/// Opening sets, in this order: extended result codes, a busy timeout, `journal_mode=WAL` (checked to
/// really be `wal`, so readers never block the writer), `synchronous=NORMAL` and foreign keys. A connection
/// belongs to one task at a time; open one per task or process.
///
/// Related SQLite documentation: https://www.sqlite.org/c3ref/open.html
public final class Connection {
    public enum Mode: Sendable {
        /// Opens for reading and writing, creating the file if missing.
        case readWriteCreate
        /// Opens an existing file for reading and writing.
        case readWrite
        /// Opens an existing file for reading only. A WAL database on media that cannot hold its `-shm` file
        /// (read-only mounts, folders without write permission) and that no writer has open is opened as
        /// immutable instead of failing.
        case readOnly
    }

    let handle: OpaquePointer
    /// The path the connection was opened on.
    public let path: String

    /// Opens (and configures) the database at `path`.
    ///
    /// - Parameter busyTimeout: how long a statement waits for another connection's lock before failing with
    ///   SQLITE_BUSY.
    /// - Throws: `SQLiteError` naming the path: SQLITE_CANTOPEN (missing file, unwritable folder),
    ///   SQLITE_NOTADB (not a database), SQLITE_READONLY, SQLITE_CORRUPT.
    public convenience init(
        path: String, mode: Mode = .readWriteCreate, busyTimeout: Duration = .seconds(5)
    ) throws(SQLiteError) {
        do {
            try self.init(path: path, uri: nil, mode: mode, busyTimeout: busyTimeout)
        } catch let error where mode == .readOnly && Self.needsImmutable(error, path: path) {
            try self.init(path: path, uri: Self.immutableURI(path), mode: mode, busyTimeout: busyTimeout)
        }
    }

    private init(path: String, uri: String?, mode: Mode, busyTimeout: Duration) throws(SQLiteError) {
        var db: OpaquePointer?
        var flags: Int32 =
            switch mode {
            case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            case .readWrite: SQLITE_OPEN_READWRITE
            case .readOnly: SQLITE_OPEN_READONLY
            }
        if uri != nil { flags |= SQLITE_OPEN_URI }
        let status = sqlite3_open_v2(uri ?? path, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard status == SQLITE_OK, let db else {
            let error = SQLiteError(code: status, connection: db, path: path)
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        self.path = path
        isImmutable = uri != nil
        do throws(SQLiteError) {
            sqlite3_extended_result_codes(db, 1)
            let (seconds, attoseconds) = busyTimeout.components
            sqlite3_busy_timeout(db, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            if mode != .readOnly {
                let journal = try scalarText("PRAGMA journal_mode=WAL")
                guard journal?.lowercased() == "wal" else {
                    throw SQLiteError(
                        code: SQLITE_ERROR, message: "journal_mode is \(journal ?? "unknown"), not wal",
                        sql: "PRAGMA journal_mode=WAL", path: path)
                }
                try execute("PRAGMA synchronous=NORMAL")
            } else {
                // Touch the schema so a non-database file fails here, not on first use.
                _ = try scalarText("SELECT count(*) FROM sqlite_master")
            }
            try execute("PRAGMA foreign_keys=ON")
        } catch {
            sqlite3_close_v2(db)
            throw error.withPath(path)
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// True when the file was opened as immutable (read-only media, see `Mode.readOnly`): SQLite then takes no
    /// locks and assumes nobody changes the file while it is open.
    public let isImmutable: Bool

    /// Whether a read-only open failed only because SQLite could not create or open the WAL's `-shm` file, and
    /// nobody has the database open for writing (no `-wal` file): then reading it as immutable is safe.
    private static func needsImmutable(_ error: SQLiteError, path: String) -> Bool {
        guard error.primaryCode == SQLITE_CANTOPEN || error.primaryCode == SQLITE_READONLY else { return false }
        return System.access(path, .readable) == 0 && System.access(path + "-wal", .exists) != 0
    }

    /// `file:` URI for `path` with `immutable=1` (https://www.sqlite.org/uri.html): every byte but letters,
    /// digits and `/-_.~` percent-encoded, so `?`, `#`, `%` and non-ASCII names survive.
    static func immutableURI(_ path: String) -> String {
        var uri = "file:"
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/-_.~".unicodeScalars.contains(scalar)) {
                uri.unicodeScalars.append(scalar)
            } else {
                uri += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return uri + "?immutable=1"
    }

    /// Runs one or more SQL statements that return no rows.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/c3ref/exec.html
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Runs one statement with bound parameters, stepping through any rows it returns.
    public func execute(_ sql: String, _ arguments: [any SQLiteBindable]) throws(SQLiteError) {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// Compiles one SQL statement.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/c3ref/prepare.html
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, 0, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw SQLiteError(code: status == SQLITE_OK ? SQLITE_MISUSE : status, connection: handle, sql: sql)
        }
        return Statement(handle: statement, connection: self, sql: sql)
    }

    /// The first column of the first row of `sql`, as text (nil for NULL or no row).
    public func scalarText(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return statement.text(at: 0)
    }

    /// The first column of the first row of `sql`, as an integer (nil for NULL or no row).
    public func scalarInt(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    /// How SQLite should take its locks at `BEGIN`.
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock at once: use it for read-modify-write, so it cannot fail half-way with BUSY.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back and rethrows when it throws.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/lang_transaction.html
    public func inTransaction<R>(_ kind: TransactionKind = .immediate, _ body: () throws -> R) throws -> R {
        try execute("BEGIN \(kind.rawValue)")
        let result: R
        do {
            result = try body()
        } catch {
            // The transaction may already be gone (SQLite rolls back by itself on some errors).
            if !isAutocommit {
                try? execute("ROLLBACK")
            }
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }

    /// Whether no transaction is open.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The SQLite library version, e.g. "3.40.1".
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

@available(*, unavailable, message: "a connection belongs to one task; open another for another task")
extension Connection: Sendable {}

extension SQLiteError {
    fileprivate func withPath(_ path: String) -> SQLiteError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}
