import Foundation
import SQLite
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func opensInWALModeWithNormalSynchronous() throws {
        let directory = try TemporaryDirectory()
        let db = try Connection(path: directory.file("store.sqlite"))
        #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
    }

    @Test func roundTripsTextIntegersBlobsFloatsAndNull() throws {
        let directory = try TemporaryDirectory()
        let db = try Connection(path: directory.file("store.sqlite"))
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, v BLOB, n TEXT)")
        let vector: [Float] = [0, 1, -1.5, .pi, 1e-30, -0.0, .greatestFiniteMagnitude]
        let text = "héllo\u{0} 世界 🙂"
        try db.execute(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)",
            [Int64.min, 2.5, text, [UInt8]([0, 255, 7]), SQLiteValue.vector(vector), String?.none])
        let row = try db.prepare("SELECT i, r, s, b, v, n, length(v) FROM t")
        #expect(try row.step())
        #expect(row.int64(at: 0) == Int64.min)
        #expect(row.double(at: 1) == 2.5)
        #expect(row.text(at: 2) == text)
        #expect(row.blob(at: 3) == [0, 255, 7])
        #expect(row.floats(at: 4).map(\.bitPattern) == vector.map(\.bitPattern))
        #expect(row.isNull(at: 5))
        #expect(row.text(at: 5) == nil)
        #expect(row.int(at: 6) == vector.count * 4)
        #expect(try !row.step())
    }

    @Test func floatBlobsAreLittleEndianF32() throws {
        let bytes = FloatBlob.encode([1.0, -2.0])
        #expect(bytes == [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0])
        // Decoding works from an unaligned start.
        let shifted: [UInt8] = [0xAA] + bytes
        let decoded = shifted.withUnsafeBytes { FloatBlob.decode(UnsafeRawBufferPointer(rebasing: $0[1...])) }
        #expect(decoded == [1.0, -2.0])
    }

    @Test func constraintViolationNamesTheConstraintAndTheSQL() throws {
        let directory = try TemporaryDirectory()
        let db = try Connection(path: directory.file("store.sqlite"))
        try db.execute("CREATE TABLE docs (id TEXT PRIMARY KEY)")
        try db.execute("INSERT INTO docs VALUES (?)", ["a"])
        let error = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO docs VALUES (?)", ["a"]) }
        #expect(error?.primaryCode == SQLiteError.constraint)
        #expect(error?.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY: extended codes are on
        #expect(error?.message == "UNIQUE constraint failed: docs.id")
        #expect(error?.sql == "INSERT INTO docs VALUES (?)")
        #expect(
            error?.description
                == "SQLite error 1555 (constraint failed): UNIQUE constraint failed: docs.id - while executing `INSERT INTO docs VALUES (?)`"
        )
    }

    @Test func syntaxErrorCarriesTheSQL() throws {
        let directory = try TemporaryDirectory()
        let db = try Connection(path: directory.file("store.sqlite"))
        let error = #expect(throws: SQLiteError.self) { try db.prepare("SELEC 1") }
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.sql == "SELEC 1")
    }

    @Test func wrongArgumentCountIsAnError() throws {
        let directory = try TemporaryDirectory()
        let db = try Connection(path: directory.file("store.sqlite"))
        let error = #expect(throws: SQLiteError.self) { try db.execute("SELECT ?, ?", [1]) }
        #expect(error?.message == "1 arguments for 2 parameters")
    }

    struct Abort: Error {}

    @Test func transactionRollsBackAndRethrowsOnError() throws {
        let directory = try TemporaryDirectory()
        let db = try Connection(path: directory.file("store.sqlite"))
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Abort.self) {
            try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        #expect(db.isAutocommit)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)

        // A failing statement inside the transaction rolls back what came before it.
        #expect(throws: SQLiteError.self) {
            try db.inTransaction {
                try db.execute("INSERT INTO t VALUES (2)")
                try db.execute("INSERT INTO missing VALUES (3)")
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)

        let value = try db.inTransaction {
            try db.execute("INSERT INTO t VALUES (4)")
            return 4
        }
        #expect(value == 4)
        #expect(try db.scalarInt("SELECT sum(x) FROM t") == 4)
    }

    @Test func readerSeesCommittedDataWhileAWriterHoldsATransaction() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let writer = try Connection(path: path)
        try writer.execute("CREATE TABLE t (x INTEGER)")
        try writer.execute("INSERT INTO t VALUES (1)")

        let reader = try Connection(path: path, mode: .readOnly, busyTimeout: .milliseconds(50))
        try writer.execute("BEGIN IMMEDIATE")
        try writer.execute("INSERT INTO t VALUES (2)")
        // WAL: the reader is not blocked by the open write transaction and sees only committed rows.
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 1)
        try writer.execute("COMMIT")
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 2)
    }

    @Test func secondWriterGetsBusyAfterTheTimeout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        let first = try Connection(path: path)
        try first.execute("CREATE TABLE t (x INTEGER)")
        let second = try Connection(path: path, busyTimeout: .milliseconds(20))
        try first.execute("BEGIN IMMEDIATE")
        let error = #expect(throws: SQLiteError.self) { try second.execute("BEGIN IMMEDIATE") }
        #expect(error?.primaryCode == SQLiteError.busy)
        try first.execute("COMMIT")
    }

    @Test func nonDatabaseFileIsRefusedAndLeftUntouched() throws {
        let directory = try TemporaryDirectory()
        let text = String(repeating: "not a database\n", count: 100)
        let path = try directory.write("notes.txt", text)
        let error = #expect(throws: SQLiteError.self) { try Connection(path: path) }
        #expect(error?.primaryCode == SQLiteError.notADatabase)
        #expect(error?.path == path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func missingFileInReadOnlyModeIsCantOpen() throws {
        let error = #expect(throws: SQLiteError.self) {
            try Connection(path: "/nonexistent/ovindex/store.sqlite", mode: .readOnly)
        }
        #expect(error?.primaryCode == SQLiteError.cantOpen)
        #expect(error?.description.contains("/nonexistent/ovindex/store.sqlite") == true)
    }
}
