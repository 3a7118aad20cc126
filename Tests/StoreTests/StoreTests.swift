import Foundation
import SQLite
@testable import Store
import TestSupport
import StoreFixtures
import Testing
import TextIO

@Suite struct StoreTests {
    @Test func newStoreHasTheCurrentSchemaAndIsMarkedAsOurs() throws {
        let directory = try TemporaryDirectory()
        let store = try Store(path: directory.file("s.sqlite"))
        #expect(try store.connection.scalarInt("PRAGMA user_version") == Int64(Store.schemaVersion))
        #expect(try store.connection.scalarInt("PRAGMA application_id") == 0x6F76_6978)
        #expect(try store.connection.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try store.modelIdentity() == nil)
        // Opening again is idempotent.
        _ = try Store(path: directory.file("s.sqlite"))
    }

    @Test func aStoreKeepsOneModelAndRefusesAnother() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.bind(to: testModel)  // the same model again is fine
        var other = testModel
        other.weightsSHA256 = String(repeating: "b", count: 64)
        other.variant = "int8"
        let error = #expect(throws: StoreError.self) { try store.bind(to: other) }
        #expect(error?.kind == .modelMismatch)
        #expect(error?.message.contains("test/model") == true)
        #expect(error?.message.contains("weights bbbbbbbbbbbb… instead of aaaaaaaaaaaa…") == true)
        #expect(error?.message.contains("use a new store") == true)

        var wider = testModel
        wider.dimension = 16
        #expect(throws: StoreError.self) { try store.bind(to: wider) }
        // The recorded identity did not change.
        #expect(try store.modelIdentity() == testModel)
    }

    @Test func vectorsOfTheWrongDimensionOrWithoutAModelAreRefused() throws {
        let directory = try TemporaryDirectory()
        let unbound = try Store(path: directory.file("unbound.sqlite"))
        let noModel = #expect(throws: StoreError.self) { try unbound.write(documents: [document("a", chunks: ["x"])]) }
        #expect(noModel?.kind == .invalidWrite)

        let store = try makeStore(directory)
        var bad = document("a", chunks: ["x", "y"])
        bad.chunks[1].embedding = [1, 2, 3]
        let wrong = #expect(throws: StoreError.self) { try store.write(documents: [bad]) }
        #expect(wrong?.message.contains("chunk 1 of a has 3 dimensions, the store's model 8") == true)
        #expect(try store.statistics().chunks == 0)
    }

    @Test func writesDocumentsChunksVectorsAndCodes() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let doc = document(
            "guide", chunks: ["first part", "second part", "third part"], metadata: ["lang": .string("en")])
        let outcome = try store.write(documents: [doc])
        #expect(outcome.indexed == 1)
        #expect(outcome.chunks == 3)
        let stats = try store.statistics()
        #expect(stats.documents == 1)
        #expect(stats.chunks == 3)
        #expect(stats.vectors == 3)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM vector_codes") == 3)
        #expect(try store.connection.scalarText("SELECT key FROM chunks WHERE ordinal = 1") == "guide#1")
        #expect(try store.contentHashes(forKeys: ["guide", "missing"]) == ["guide": doc.contentHash])
        // The f32 vector round-trips exactly.
        let stored = try store.connection.prepare("SELECT embedding FROM vectors ORDER BY chunk_id LIMIT 1")
        #expect(try stored.step())
        #expect(stored.floats(at: 0) == doc.chunks[0].embedding)
    }

    @Test func rewritingAnUnchangedDocumentIsANoOp() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let doc = document("a", chunks: ["one", "two"])
        try store.write(documents: [doc])
        let before = try store.connection.scalarText(
            "SELECT group_concat(c.id) || max(d.updated_at) FROM chunks c, documents d")
        let outcome = try store.write(documents: [doc])
        #expect(outcome.unchanged == 1)
        #expect(outcome.indexed == 0)
        #expect(
            try store.connection.scalarText("SELECT group_concat(c.id) || max(d.updated_at) FROM chunks c, documents d")
                == before)
    }

    @Test func aChangedDocumentReplacesItsChunksAndTextIndex() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [document("a", chunks: ["alpha bravo", "charlie delta", "echo foxtrot"])])
        try store.write(documents: [document("a", chunks: ["golf hotel"])])
        #expect(try store.statistics().chunks == 1)
        #expect(try store.connection.scalarInt("SELECT chunk_count FROM documents WHERE key = 'a'") == 1)
        #expect(try store.keywordSearch("charlie", k: 5).isEmpty)
        #expect(try store.keywordSearch("hotel", k: 5).map(\.text) == ["golf hotel"])
        #expect(try store.connection.scalarInt("SELECT count(*) FROM vector_codes") == 1)
    }

    @Test func aBatchThatFailsHalfWayLeavesTheOldVersionWhole() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [document("a", chunks: ["old one", "old two"])])
        let run = try store.beginRun(settings: "{}")
        // Make the second document's chunk fail inside the transaction.
        try store.connection.execute(
            "CREATE TEMP TRIGGER fail BEFORE INSERT ON chunks WHEN new.text = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END"
        )
        var counters = RunCounters()
        counters.documentsIndexed = 2
        #expect(throws: StoreError.self) {
            try store.write(
                documents: [document("a", chunks: ["new one"]), document("b", chunks: ["boom"])],
                progress: RunProgress(runID: run, counters: counters, cursor: "{\"after\": \"b\"}"))
        }
        #expect(try store.keywordSearch("old", k: 5).count == 2)
        #expect(try store.statistics().documents == 1)
        // The run's progress was not committed either: it always matches the committed data.
        #expect(try store.run(run)?.counters.documentsIndexed == 0)
        #expect(try store.run(run)?.cursor == "{}")
    }

    @Test func progressIsCommittedWithTheBatch() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let run = try store.beginRun(settings: "{\"pipeline\": \"test\"}")
        var counters = RunCounters()
        counters.documentsSeen = 1
        counters.documentsIndexed = 1
        counters.chunksWritten = 2
        try store.write(
            documents: [document("a", chunks: ["x", "y"])],
            progress: RunProgress(runID: run, counters: counters, cursor: "{\"file\": 1}"))
        let record = try #require(try store.run(run))
        #expect(record.status == .running)
        #expect(record.counters == counters)
        #expect(record.cursor == "{\"file\": 1}")
        try store.finishRun(run, status: .completed)
        #expect(try store.lastRun()?.status == .completed)
        #expect(try store.lastRun()?.finishedAt != nil)
    }

    @Test func rejectsAreRecordedAndRejectedDocumentsRemembered() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let run = try store.beginRun(settings: "{}")
        try store.write(documents: [document("big", chunks: ["was small once"])])
        let reject = RejectInput(
            input: "docs/big.txt", code: .documentTooLarge, limit: "10000000 bytes", detail: "12000000 bytes",
            document: .init(key: "big", source: "docs/big.txt", contentHash: "h2", byteSize: 12_000_000))
        let outcome = try store.write(
            documents: [], rejects: [reject, RejectInput(input: "data.jsonl", line: 7, code: .invalidJSON)],
            progress: RunProgress(runID: run, counters: RunCounters()))
        #expect(outcome.rejected == 1)
        let stats = try store.statistics()
        #expect(stats.rejects == 2)
        #expect(stats.rejectedDocuments == 1)
        #expect(stats.chunks == 0)  // the rejected new version replaced the old chunks
        #expect(try store.contentHashes(forKeys: ["big"]) == ["big": "h2"])
        let recent = try store.rejects()
        #expect(recent.map(\.reason) == ["invalid JSON", "document too large"])
        #expect(recent[0].line == 7)
        #expect(recent[1].limit == "10000000 bytes")
        #expect(try store.connection.scalarInt("SELECT count(*) FROM rejects WHERE run_id = ?", [run]) == 2)
    }

    @Test func pruningRemovesChunksVectorsCodesTextAndMetadata() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [
            document("keep", chunks: ["kept text"], metadata: ["team": .string("a")]),
            document("drop", chunks: ["dropped text", "more dropped"], metadata: ["team": .string("b")]),
        ])
        #expect(try store.deleteDocuments(keys: ["drop", "never-there"]) == 1)
        for table in ["chunks", "vectors", "vector_codes", "document_metadata"] {
            #expect(try store.connection.scalarInt("SELECT count(*) FROM \(table)") == 1, "\(table)")
        }
        #expect(try store.keywordSearch("dropped", k: 5).isEmpty)
        var keys: [String] = []
        try store.forEachDocument { key, _ in keys.append(key) }
        #expect(keys == ["keep"])
    }

    @Test func vacuumReclaimsTheSpaceOfDeletedDocuments() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        let text = String(repeating: "lorem ipsum dolor sit amet ", count: 40)
        try store.write(documents: (0..<300).map { document("d\($0)", chunks: [text, text, text]) })
        try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let full = store.fileSize
        try store.deleteDocuments(keys: (0..<290).map { "d\($0)" })
        try store.vacuum()
        #expect(store.fileSize < full / 3, "\(store.fileSize) bytes after vacuum, \(full) before")
        #expect(try store.statistics().documents == 10)
    }
}
