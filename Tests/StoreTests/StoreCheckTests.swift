import Foundation
import SQLite
@testable import Store
import TestSupport
import StoreFixtures
import Testing

/// `Store.check` and `requireIntact`: each invariant broken on purpose is reported, and a sound store is sound.
@Suite struct StoreCheckTests {
    func filledStore(_ directory: TemporaryDirectory) throws -> Store {
        let store = try makeStore(directory)
        try store.write(documents: [
            document("a", chunks: ["alpha one", "alpha two"]), document("b", chunks: ["beta"]),
        ])
        return store
    }

    @Test func aSoundStoreIsSound() throws {
        let directory = try TemporaryDirectory()
        let store = try filledStore(directory)
        try store.requireIntact()
        let result = try store.check()
        #expect(result.isSound, "\(result.problems)")
        #expect(result.checked == ["integrity", "vectors", "orphans", "documents", "full-text", "runs"])
        // Read-only, the same findings (the full-text comparison needs a writable store and is left out).
        let readOnly = try Store(path: directory.file("store.sqlite"), mode: .readOnly)
        #expect(try readOnly.check().isSound)
    }

    @Test func everyBrokenInvariantIsNamed() throws {
        let directory = try TemporaryDirectory()
        let store = try filledStore(directory)
        let connection = store.connection
        // Break one of each, below the store's API.
        try connection.execute("PRAGMA foreign_keys = OFF")
        try connection.execute("DELETE FROM vectors WHERE chunk_id = (SELECT min(id) FROM chunks)")
        try connection.execute("UPDATE vector_codes SET code = x'0102' WHERE chunk_id = (SELECT max(id) FROM chunks)")
        try connection.execute("UPDATE documents SET chunk_count = 5 WHERE key = 'b'")
        try connection.execute("INSERT INTO vectors (chunk_id, embedding) VALUES (999, x'00')")
        let problems = try store.check(staleRuns: [7]).problems
        for expected in [
            "vectors: 1 chunks have no f32 vector", "codes: 1 int8 codes are not 8 bytes",
            "documents: 1 documents' chunk counts differ", "orphans: 1 vectors without their chunk",
            "vectors: 1 vectors are not 8 floats", "runs: run #7 is marked running",
        ] {
            #expect(problems.contains { $0.hasPrefix(expected) }, "\(expected) in \(problems)")
        }
    }

    @Test func aChunkWithoutItsFullTextRowIsFound() throws {
        let directory = try TemporaryDirectory()
        let store = try filledStore(directory)
        try store.connection.execute("DROP TRIGGER chunks_fts_insert")
        try store.connection.execute(
            "INSERT INTO chunks (document_id, ordinal, key, text, char_start, char_end, token_count) "
                + "SELECT id, 9, 'a#9', 'unindexed', 0, 9, 1 FROM documents WHERE key = 'a'")
        let problems = try store.check().problems
        #expect(problems.contains { $0.hasPrefix("full-text: 1 chunks have no full-text row") }, "\(problems)")
    }

    @Test func garbageInTheMiddleFailsTheQuickCheck() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        do {
            let store = try makeStore(directory)
            try store.write(documents: (0..<200).map { document("d\($0)", chunks: ["text \($0) " + String(repeating: "x ", count: 300)]) })
            try store.vacuum()
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let middle = bytes.count / 2 / 4096 * 4096
        for offset in middle..<(middle + 8192) { bytes[offset] = UInt8(truncatingIfNeeded: offset &* 7919) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) {
            let store = try Store(path: path, mode: .readOnly)
            try store.requireIntact()
        }
        #expect(error?.kind == .corrupt)
    }

    @Test func aNegativeSchemaVersionIsNotAStoreNotACrash() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("store.sqlite")
        _ = try Store(path: path)
        try Connection(path: path).execute("PRAGMA user_version = -3")
        for mode in [Store.Mode.readWrite, .readOnly, .readWriteExisting] {
            let error = #expect(throws: StoreError.self) { try Store(path: path, mode: mode) }
            #expect(error?.kind == .notAStore)
        }
    }

    @Test func maintenanceNeverCreatesAStore() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StoreError.self) {
            try Store(path: directory.file("missing.sqlite"), mode: .readWriteExisting)
        }
        #expect(error?.kind == .missing)
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.sqlite")))
    }

    @Test func earlierRejectsAreReplacedButAStillRejectedDocumentKeepsItsReason() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let first = try store.beginRun(settings: "{}")
        let stillRejected = RejectInput(
            input: "docs/bad.txt", code: .invalidUTF8,
            document: .init(key: "bad", source: "docs/bad.txt", contentHash: "h", byteSize: 3))
        try store.write(
            documents: [], rejects: [stillRejected, RejectInput(input: "data.jsonl", line: 4, code: .invalidJSON),
                RejectInput(input: "docs/flaky.txt", code: .readError, key: "flaky")],
            progress: RunProgress(runID: first, counters: RunCounters()))
        let second = try store.beginRun(settings: "{}")
        try store.write(
            documents: [document("flaky", chunks: ["now readable"])],
            rejects: [RejectInput(input: "data.jsonl", line: 4, code: .invalidJSON)],
            progress: RunProgress(runID: second, counters: RunCounters()))
        try store.replaceEarlierRejects(before: second)
        let left = try store.rejects().map { "\($0.input):\($0.line ?? 0) \($0.kind.rawValue)" }
        #expect(left.sorted() == ["data.jsonl:4 reject", "docs/bad.txt:0 reject"])
    }
}
