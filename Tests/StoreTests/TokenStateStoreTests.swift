import Store
import TestSupport
import StoreFixtures
import Testing

@testable import Store

@Suite struct TokenStateStoreTests {
    /// A document whose chunks carry (made-up) token-state bytes and a context.
    func documentWithStates(_ key: String, chunks: [String], context: String = "") -> DocumentInput {
        var input = document(key, chunks: chunks)
        for index in input.chunks.indices {
            input.chunks[index].tokenStates = Array(repeating: UInt8(index + 1), count: 5 + index)
            input.chunks[index].context = context
        }
        return input
    }

    /// What a schema 2 build wrote, one document of one chunk: no context column, no token states.
    static func makeSchemaTwoStore(at path: String) throws {
        let old = try Store(path: path, mode: .readWrite, migrations: Array(Schema.migrations.prefix(2)))
        try old.bind(to: testModel)
        try old.connection.execute(
            """
            INSERT INTO documents (key, source, content_hash, byte_size, state, chunk_count, created_at, updated_at)
            VALUES ('old', 'docs/old.txt', 'h', 10, 'indexed', 1, 'now', 'now');
            INSERT INTO chunks (document_id, ordinal, key, text, char_start, char_end, token_count)
            VALUES (1, 0, 'old#0', 'A checkpoint copies pages back.', 0, 31, 6);
            INSERT INTO runs (started_at, updated_at, finished_at, status) VALUES ('now', 'now', 'now', 'completed');
            """)
        var vector: [UInt8] = []
        for value in document("old", chunks: ["A checkpoint copies pages back."]).chunks[0].embedding {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { vector += $0 }
        }
        try old.connection.execute("INSERT INTO vectors (chunk_id, embedding) VALUES (1, ?)", [vector])
        try old.connection.execute(
            "INSERT INTO vector_codes (chunk_id, document_id, scale, code) VALUES (1, 1, 0.0, ?)",
            [[UInt8](repeating: 0, count: 8)])
    }

    @Test func statesAreKeptPerChunkAndGoWithTheirDocument() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [documentWithStates("a", chunks: ["one", "two"]), document("b", chunks: ["three"])])
        let statement = try store.connection.prepare("SELECT id FROM chunks ORDER BY id")
        var ids: [Int64] = []
        while try statement.step() { ids.append(statement.int64(at: 0)) }
        let states = try store.tokenStates(for: ids)
        #expect(states.count == 2)  // b was written without states
        #expect(states[ids[1]] == [2, 2, 2, 2, 2, 2])
        // Replacing the document replaces its states; deleting it removes them.
        try store.write(documents: [documentWithStates("a", chunks: ["one changed"])])
        #expect(try store.connection.scalarInt("SELECT count(*) FROM chunk_states") == 1)
        _ = try store.deleteDocuments(keys: ["a"])
        #expect(try store.connection.scalarInt("SELECT count(*) FROM chunk_states") == 0)
    }

    @Test func keywordSearchMatchesStemsAndTheTitleAndSkipsCommonWords() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [
            documentWithStates("ckpt", chunks: ["Pages are copied back when the log is checkpointed."]),
            documentWithStates("wal", chunks: ["Readers and the writer do not block each other."], context: "Write-ahead logging"),
            document("noise", chunks: ["the of and to in is for with the of and to"]),
        ])
        // Porter stems: "checkpoints" finds "checkpointed".
        #expect(try store.keywordSearch("checkpoints", k: 3).map(\.documentKey) == ["ckpt"])
        // A word only the title has finds the chunk.
        #expect(try store.keywordSearch("write-ahead", k: 3).map(\.documentKey) == ["wal"])
        #expect(try store.keywordSearch("write-ahead", k: 3).first?.context == "Write-ahead logging")
        // Common words are not searched when the query has others: the noise document is not a candidate
        // ("log" also finds the title "logging" by its stem).
        #expect(try store.keywordSearch("the checkpoints of the log", k: 3).map(\.documentKey) == ["ckpt", "wal"])
        #expect(Store.ftsQuery("the checkpoints of the log") == "\"checkpoints\" OR \"log\"")
        // A query of nothing but common words still searches them.
        #expect(try store.keywordSearch("the of and", k: 3).map(\.documentKey).contains("noise"))
    }

    @Test func aSchemaTwoStoreIsReadAsItIsAndUpgradedByAWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("v2.sqlite")
        try Self.makeSchemaTwoStore(at: path)
        // A reader (query, export, store info) opens it without changing it.
        let reader = try Store(path: path, mode: .readOnly)
        #expect(try reader.connection.scalarInt("PRAGMA user_version") == 2)
        #expect(try reader.keywordSearch("checkpoint", k: 1).map(\.documentKey) == ["old"])
        #expect(try reader.tokenStates(for: [1]).isEmpty)
        #expect(try reader.hits([(1, 1)]).first?.context == "")
        // A writer upgrades it: the text index is rebuilt with stems, the old chunk has no context or states.
        let writer = try Store(path: path)
        #expect(try writer.connection.scalarInt("PRAGMA user_version") == Int64(Schema.version))
        #expect(try writer.keywordSearch("checkpoints", k: 1).map(\.documentKey) == ["old"])
        #expect(try writer.connection.scalarText("SELECT context FROM chunks") == "")
        #expect(try writer.tokenStates(for: [1]).isEmpty)
    }

    @Test func aShardWrittenBeforeSchemaThreeMergesWithoutStatesOrContexts() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("old-shard.sqlite")
        try Self.makeSchemaTwoStore(at: path)
        let merged = try makeStore(directory, name: "merged.sqlite")
        let outcome = try merged.merge(from: path)
        #expect(outcome.chunks == 1)
        #expect(try merged.connection.scalarText("SELECT context FROM chunks") == "")
        #expect(try merged.connection.scalarInt("SELECT count(*) FROM chunk_states") == 0)
        #expect(try merged.keywordSearch("checkpoints", k: 1).map(\.documentKey) == ["old"])
    }

    @Test func mergeCarriesStatesAndContexts() throws {
        let directory = try TemporaryDirectory()
        let shard = try makeStore(directory, name: "shard.sqlite")
        try shard.write(documents: [documentWithStates("a", chunks: ["one", "two"], context: "Title A")])
        let merged = try makeStore(directory, name: "merged.sqlite")
        try merged.merge(from: shard.path)
        #expect(try merged.connection.scalarInt("SELECT count(*) FROM chunk_states") == 2)
        #expect(try merged.connection.scalarText("SELECT DISTINCT context FROM chunks") == "Title A")
        #expect(try merged.keywordSearch("title", k: 1).map(\.documentKey) == ["a"])
    }
}
