internal import CSQLite

/// A prepared statement (`sqlite3_stmt*`). Finalized on `deinit`.
///
/// Bind parameters (1-based, as SQLite counts them, or all at once with `bind(_:)`), `step()` through rows,
/// read columns (0-based) while positioned on a row, and `reset()` to run it again.
///
/// Related SQLite documentation: https://www.sqlite.org/c3ref/stmt.html
public final class Statement {
    let handle: OpaquePointer
    /// Keeps the connection open while the statement lives.
    let connection: Connection
    public let sql: String

    init(handle: OpaquePointer, connection: Connection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to parameters 1...n, after clearing earlier bindings.
    public func bind(_ values: [any SQLiteBindable]) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw SQLiteError(
                code: SQLITE_RANGE, message: "\(values.count) arguments for \(expected) parameters",
                sql: sql)
        }
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            try bind(value.sqliteValue, at: offset + 1)
        }
    }

    /// Binds one value to the 1-based parameter `index`.
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        let position = Int32(index)
        let status: Int32
        switch value {
        case .null:
            status = sqlite3_bind_null(handle, position)
        case .integer(let integer):
            status = sqlite3_bind_int64(handle, position, integer)
        case .real(let real):
            status = sqlite3_bind_double(handle, position, real)
        case .text(let text):
            status = sqlite3_bind_text64(
                handle, position, text, UInt64(text.utf8.count), csqlite_transient(),
                UInt8(SQLITE_UTF8))
        case .blob(let bytes):
            status = bytes.withUnsafeBytes { raw in
                // A zero-length blob still needs a non-null pointer, or SQLite stores NULL.
                sqlite3_bind_blob64(
                    handle, position, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                    UInt64(raw.count), csqlite_transient())
            }
        }
        if status != SQLITE_OK {
            throw SQLiteError(code: status, connection: connection.handle, sql: sql)
        }
    }

    /// Binds floats as a little-endian f32 BLOB without an intermediate array.
    public func bind(floats: UnsafeBufferPointer<Float>, at index: Int) throws(SQLiteError) {
        #if _endian(little)
            let status = sqlite3_bind_blob64(
                handle, Int32(index), UnsafeRawPointer(floats.baseAddress ?? UnsafePointer(bitPattern: 4)),
                UInt64(floats.count * 4), csqlite_transient())
            if status != SQLITE_OK {
                throw SQLiteError(code: status, connection: connection.handle, sql: sql)
            }
        #else
            try bind(.blob(FloatBlob.encode(Array(floats))), at: index)
        #endif
    }

    /// Advances to the next row. Returns false when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            throw SQLiteError(
                code: sqlite3_extended_errcode(connection.handle), connection: connection.handle,
                sql: sql)
        }
    }

    /// Makes the statement ready to run again; bindings are kept.
    public func reset() {
        sqlite3_reset(handle)
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(at index: Int) -> String {
        String(cString: sqlite3_column_name(handle, Int32(index)))
    }

    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    public func int(at index: Int) -> Int {
        Int(sqlite3_column_int64(handle, Int32(index)))
    }

    public func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// The column as text, or nil when it is NULL.
    public func text(at index: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column's bytes (empty for NULL or an empty blob).
    public func blob(at index: Int) -> [UInt8] {
        withBlob(at: index) { Array($0) }
    }

    /// The column as a vector of little-endian f32 values.
    public func floats(at index: Int) -> [Float] {
        withBlob(at: index) { FloatBlob.decode($0) }
    }

    /// Calls `body` with the column's bytes in place (valid only inside `body`; may be unaligned).
    public func withBlob<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let pointer = sqlite3_column_blob(handle, Int32(index))
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// The column as a `SQLiteValue` of its stored type.
    public func value(at index: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: .integer(int64(at: index))
        case SQLITE_FLOAT: .real(double(at: index))
        case SQLITE_TEXT: .text(text(at: index) ?? "")
        case SQLITE_BLOB: .blob(blob(at: index))
        default: .null
        }
    }
}

@available(*, unavailable, message: "a statement belongs to its connection's task")
extension Statement: Sendable {}
