public import Host
internal import CSQLite

/// An error from SQLite: the extended result code, SQLite's message, and the SQL that was running.
///
/// Reads like "SQLite error 2067 (SQLITE_CONSTRAINT_UNIQUE): UNIQUE constraint failed: t.id - while executing
/// `INSERT INTO t VALUES (?)`".
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The extended result code (https://www.sqlite.org/rescode.html).
    public var code: Int32
    public var message: String
    /// The statement being prepared or run, when there was one.
    public var sql: String?
    /// The file the connection is open on, when it matters (opening, configuring).
    public var path: String?

    public init(code: Int32, message: String, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.path = path
    }

    /// The primary result code (the low 8 bits), e.g. SQLITE_CONSTRAINT for SQLITE_CONSTRAINT_UNIQUE.
    public var primaryCode: Int32 { code & 0xff }

    /// SQLite's English name of the result code ("constraint failed", "database is locked", ...).
    public var codeDescription: String {
        String(cString: sqlite3_errstr(code))
    }

    public var description: String {
        var text = "SQLite error \(code) (\(codeDescription))"
        if let path { text += " on \(path)" }
        text += ": \(message)"
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }

    public static let constraint: Int32 = SQLITE_CONSTRAINT
    public static let busy: Int32 = SQLITE_BUSY
    public static let notADatabase: Int32 = SQLITE_NOTADB
    public static let cantOpen: Int32 = SQLITE_CANTOPEN
    public static let readOnly: Int32 = SQLITE_READONLY
    public static let corrupt: Int32 = SQLITE_CORRUPT
}

extension SQLiteError {
    /// The error for `code` with the connection's current message.
    init(code: Int32, connection: OpaquePointer?, sql: String? = nil, path: String? = nil) {
        let message =
            connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        self.init(code: code, message: message, sql: sql, path: path)
    }
}

extension SQLiteError: ExitStatusError {
    public var exitStatus: ExitStatus { .ioError }
}
