import Store
import TestSupport
import StoreFixtures
import Testing

@testable import Store

@Suite struct MigrationTests {
    @Test func anOlderStoreIsMigratedForwardKeepingItsData() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("old.sqlite")
        do {
            let store = try Store(path: path)
            try store.bind(to: testModel)
            try store.write(documents: [document("a", chunks: ["kept"])])
        }
        let next = Schema.migrations + ["ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT 'und'"]
        let upgraded = try Store(path: path, mode: .readWrite, migrations: next)
        #expect(try upgraded.connection.scalarInt("PRAGMA user_version") == Int64(next.count))
        #expect(try upgraded.connection.scalarText("SELECT language FROM documents WHERE key = 'a'") == "und")
        #expect(try upgraded.keywordSearch("kept", k: 1).count == 1)
        // This build's schema is now older than the file: refused, as a store from a newer ovindex would be.
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.kind == .newerSchema(found: next.count, supported: Schema.migrations.count))
    }

    @Test func aReaderDoesNotMigrate() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("old.sqlite")
        _ = try Store(path: path)
        let next = Schema.migrations + ["CREATE TABLE extra (x)"]
        let error = #expect(throws: StoreError.self) { try Store(path: path, mode: .readOnly, migrations: next) }
        #expect(error?.message.contains("needs an upgrade") == true)
    }
}

@Suite struct SchemaTwoMigrationTests {
    @Test func aVersionOneStoreKeepsTheReasonsOfItsRejectedDocuments() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("v1.sqlite")
        do {
            let old = try Store(path: path, mode: .readWrite, migrations: Array(Schema.migrations.prefix(1)))
            try old.connection.execute(
                """
                INSERT INTO documents (key, source, content_hash, byte_size, state, created_at, updated_at)
                VALUES ('bad.txt', '/corpus/bad.txt', 'h', 3, 'rejected', 'now', 'now');
                INSERT INTO rejects (input, reason, created_at) VALUES ('/corpus/bad.txt', 'invalid UTF-8', 'now');
                INSERT INTO rejects (input, line, reason, created_at) VALUES ('/corpus/d.jsonl', 3, 'invalid JSON', 'now');
                """)
        }
        let store = try Store(path: path)
        #expect(try store.connection.scalarInt("PRAGMA user_version") == Int64(Schema.migrations.count))
        let rejects = try store.rejects()
        #expect(rejects.first { $0.input == "/corpus/bad.txt" }?.key == "bad.txt")
        #expect(rejects.allSatisfy { $0.kind == .reject })
        // The next completed run replaces the line reject and keeps the rejected document's.
        try store.replaceEarlierRejects(before: try store.beginRun(settings: "{}"))
        #expect(try store.rejects().map(\.input) == ["/corpus/bad.txt"])
    }
}
