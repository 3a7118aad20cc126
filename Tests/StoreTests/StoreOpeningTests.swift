import Foundation
import SQLite
@testable import Store
import TestSupport
import StoreFixtures
import Testing

/// What `Store(path:)` does with files that are not (current) ovindex stores: refuse, and change nothing.
@Suite struct StoreOpeningTests {
    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("notes.sqlite", String(repeating: "just some text\n", count: 500))
        let before = try bytes(path)
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.kind == .notAStore)
        #expect(error?.description.contains("is not an SQLite database") == true)
        #expect(try bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func anotherApplicationsDatabaseIsRefusedAndLeftAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.db")
        do {
            let other = try Connection(path: path)
            try other.execute("PRAGMA journal_mode=DELETE; CREATE TABLE customers (id INTEGER, name TEXT)")
        }
        let before = try bytes(path)
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.kind == .notAStore)
        #expect(error?.message.contains("another application") == true)
        #expect(try bytes(path) == before)  // not even switched to WAL
    }

    @Test func aStoreFromANewerOvindexIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("future.sqlite")
        do {
            let store = try Store(path: path)
            try store.connection.execute("PRAGMA user_version = \(Store.schemaVersion + 1)")
        }
        let before = try bytes(path)
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.kind == .newerSchema(found: Store.schemaVersion + 1, supported: Store.schemaVersion))
        #expect(error?.message.contains("use a newer ovindex") == true)
        #expect(try bytes(path) == before)
    }

    @Test func aCorruptStoreIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("corrupt.sqlite")
        do {
            let store = try makeStore(directory, name: "corrupt.sqlite")
            try store.write(documents: (0..<50).map { document("d\($0)", chunks: ["some text \($0)"]) })
            try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        // Overwrite pages after the header with noise.
        var data = try bytes(path)
        for index in 4096..<min(data.count, 20_000) { data[index] = UInt8(truncatingIfNeeded: index &* 131) }
        try data.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) {
            let store = try Store(path: path, mode: .readOnly)
            _ = try store.statistics()
        }
        #expect(error?.description.contains(path) == true)
        #expect(
            error?.cause?.primaryCode == SQLiteError.corrupt || error?.kind == .notAStore,
            "\(String(describing: error))")
    }

    @Test func aReadOnlyLocationIsAClearError() {
        // sysfs refuses new files even to root.
        let path = "/sys/ovindex-test-store.sqlite"
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.kind == .database)
        #expect(error?.description.contains(path) == true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func readOnlyModeNeverWritesAndNeedsAnExistingStore() throws {
        let directory = try TemporaryDirectory()
        let missing = #expect(throws: StoreError.self) {
            try Store(path: directory.file("none.sqlite"), mode: .readOnly)
        }
        #expect(missing?.kind == .missing)
        #expect(!FileManager.default.fileExists(atPath: directory.file("none.sqlite")))

        _ = try makeStore(directory)
        let reader = try Store(path: directory.file("store.sqlite"), mode: .readOnly)
        #expect(try reader.modelIdentity() == testModel)
        let error = #expect(throws: StoreError.self) { try reader.write(documents: [document("a", chunks: ["x"])]) }
        #expect(error?.message.contains("read-only") == true)
    }
}
