import SQLite
import TextIO

extension Store {
    /// The content hash recorded for each of `keys` that the store has (indexed or rejected).
    public func contentHashes(forKeys keys: [String]) throws(StoreError) -> [String: String] {
        try perform("reading content hashes") {
            let statement = try connection.prepare("SELECT content_hash FROM documents WHERE key = ?")
            var hashes: [String: String] = [:]
            for key in keys {
                statement.reset()
                try statement.bind([key])
                if try statement.step(), let hash = statement.text(at: 0) { hashes[key] = hash }
            }
            return hashes
        }
    }

    /// The content hash and state ("indexed" or "rejected") the store records for `key`, if any.
    public func storedVersion(of key: String) throws(StoreError) -> (contentHash: String, state: String)? {
        try perform("reading a document's version") {
            let statement = try connection.prepare("SELECT content_hash, state FROM documents WHERE key = ?")
            try statement.bind([key])
            guard try statement.step() else { return nil }
            return (statement.text(at: 0) ?? "", statement.text(at: 1) ?? "")
        }
    }

    /// Whether the store holds `key` as an indexed document (with chunks and vectors).
    public func isIndexed(_ key: String) throws(StoreError) -> Bool {
        try perform("reading a document's state") {
            try connection.scalarText("SELECT state FROM documents WHERE key = ?", [key]) == "indexed"
        }
    }

    /// Writes a batch in one transaction: documents (each replacing its old version, or left alone when its
    /// content hash is unchanged), rejects, and the run's progress. Either all of it is committed or none.
    ///
    /// - Throws: `StoreError` for a vector of the wrong dimension or a store bound to another model
    ///   (`bind(to:)` first), and for SQLite failures.
    @discardableResult
    public func write(
        documents: [DocumentInput], rejects: [RejectInput] = [], progress: RunProgress? = nil
    ) throws(StoreError) -> WriteOutcome {
        let dimension = try modelIdentity()?.dimension
        for document in documents {
            if let bad = document.chunks.first(where: { $0.embedding.count != dimension }) {
                throw StoreError(
                    .invalidWrite, path: path,
                    message: dimension == nil
                        ? "no model is bound to the store: bind(to:) before writing vectors"
                        : "chunk \(bad.ordinal) of \(document.key) has \(bad.embedding.count) dimensions, the store's model \(dimension ?? 0)"
                )
            }
            if Set(document.chunks.map(\.ordinal)).count != document.chunks.count {
                throw StoreError(.invalidWrite, path: path, message: "document \(document.key) repeats a chunk ordinal")
            }
        }
        return try perform("writing a batch") {
            try connection.inTransaction {
                var writer = BatchWriter(connection: connection, runID: progress?.runID)
                var outcome = WriteOutcome()
                for document in documents {
                    if try writer.isUnchanged(key: document.key, hash: document.contentHash, state: "indexed") {
                        outcome.unchanged += 1
                        continue
                    }
                    let id = try writer.upsertDocument(
                        key: document.key, source: document.source, hash: document.contentHash,
                        byteSize: document.byteSize, metadata: document.metadata, state: "indexed",
                        chunkCount: document.chunks.count)
                    for chunk in document.chunks {
                        try writer.insert(chunk, documentID: id, documentKey: document.key)
                    }
                    outcome.indexed += 1
                    outcome.chunks += document.chunks.count
                }
                for reject in rejects {
                    if let document = reject.document,
                        try !writer.isUnchanged(key: document.key, hash: document.contentHash, state: "rejected")
                    {
                        _ = try writer.upsertDocument(
                            key: document.key, source: document.source, hash: document.contentHash,
                            byteSize: document.byteSize, metadata: [:], state: "rejected", chunkCount: 0)
                        outcome.rejected += 1
                    }
                    try writer.insert(reject)
                }
                // A document indexed now is no longer rejected or failed: its rows go.
                for document in documents { try writer.forgetRejects(of: document.key) }
                if let progress { try writer.record(progress) }
                return outcome
            }
        }
    }

    /// Deletes the documents with `keys`, with their chunks, vectors and full-text entries, in one transaction.
    /// Returns how many existed.
    @discardableResult
    public func deleteDocuments(keys: [String], progress: RunProgress? = nil) throws(StoreError) -> Int {
        try perform("deleting documents") {
            try connection.inTransaction {
                let statement = try connection.prepare("DELETE FROM documents WHERE key = ?")
                var deleted = 0
                for key in keys {
                    statement.reset()
                    try statement.bind([key])
                    _ = try statement.step()
                    deleted += connection.changes
                }
                if let progress {
                    var writer = BatchWriter(connection: connection, runID: progress.runID)
                    try writer.record(progress)
                }
                return deleted
            }
        }
    }

    /// Calls `body` with every document's key and source in the store, in key order (for pruning).
    public func forEachDocument(_ body: (_ key: String, _ source: String) throws -> Void) throws(StoreError) {
        try perform("listing documents") {
            let statement = try connection.prepare("SELECT key, source FROM documents ORDER BY key")
            while try statement.step() {
                try body(statement.text(at: 0) ?? "", statement.text(at: 1) ?? "")
            }
        }
    }

    /// Deletes the rejects and failures of runs before `runID` that no longer describe the store: every row but
    /// those of documents still recorded as rejected. Call it when run `runID` has read every source in full,
    /// so that it reported every current problem again; the rejects table then lists each problem once.
    /// Returns how many rows went.
    @discardableResult
    public func replaceEarlierRejects(before runID: Int64) throws(StoreError) -> Int {
        try perform("replacing earlier rejects") {
            try connection.execute(
                """
                DELETE FROM rejects WHERE (run_id IS NULL OR run_id != ?)
                    AND (document_key IS NULL OR document_key NOT IN (SELECT key FROM documents WHERE state = 'rejected'))
                """, [runID])
            return connection.changes
        }
    }
}

/// The prepared statements of one write transaction.
private struct BatchWriter {
    let connection: Connection
    let runID: Int64?
    private var statements: [String: Statement] = [:]

    init(connection: Connection, runID: Int64?) {
        self.connection = connection
        self.runID = runID
    }

    mutating func statement(_ sql: String) throws -> Statement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        let statement = try connection.prepare(sql)
        statements[sql] = statement
        return statement
    }

    mutating func isUnchanged(key: String, hash: String, state: String) throws -> Bool {
        let lookup = try statement("SELECT content_hash, state FROM documents WHERE key = ?")
        try lookup.bind([key])
        guard try lookup.step() else { return false }
        return lookup.text(at: 0) == hash && lookup.text(at: 1) == state
    }

    /// Inserts or replaces the document row, dropping its old chunks (and, by cascade, their vectors and
    /// full-text entries). Returns the document's row id.
    mutating func upsertDocument(
        key: String, source: String, hash: String, byteSize: Int, metadata: [String: JSONValue], state: String,
        chunkCount: Int
    ) throws -> Int64 {
        let metadataText = JSONWriter.canonical(.object(metadata))
        let existing = try statement("SELECT id FROM documents WHERE key = ?")
        try existing.bind([key])
        let id: Int64
        if try existing.step() {
            id = existing.int64(at: 0)
            let clear = try statement("DELETE FROM chunks WHERE document_id = ?")
            try clear.bind([id])
            _ = try clear.step()
            let clearMetadata = try statement("DELETE FROM document_metadata WHERE document_id = ?")
            try clearMetadata.bind([id])
            _ = try clearMetadata.step()
            let update = try statement(
                """
                UPDATE documents SET source = ?, content_hash = ?, byte_size = ?, metadata = ?, state = ?,
                    chunk_count = ?, run_id = ?, updated_at = \(Schema.now)
                WHERE id = ?
                """)
            try update.bind([source, hash, byteSize, metadataText, state, chunkCount, runID, id])
            _ = try update.step()
        } else {
            let insert = try statement(
                """
                INSERT INTO documents (key, source, content_hash, byte_size, metadata, state, chunk_count, run_id,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, \(Schema.now), \(Schema.now))
                """)
            try insert.bind([key, source, hash, byteSize, metadataText, state, chunkCount, runID])
            _ = try insert.step()
            id = connection.lastInsertRowID
        }
        let member = try statement("INSERT INTO document_metadata (document_id, key, value) VALUES (?, ?, ?)")
        for (name, value) in metadata {
            let text: String
            switch value {
            case .string(let string): text = string
            case .number(let literal): text = literal
            case .bool(let flag): text = flag ? "true" : "false"
            case .null, .array, .object: continue  // not filterable
            }
            member.reset()
            try member.bind([id, name, text])
            _ = try member.step()
        }
        return id
    }

    mutating func insert(_ chunk: ChunkInput, documentID: Int64, documentKey: String) throws {
        let insert = try statement(
            """
            INSERT INTO chunks (document_id, ordinal, key, text, char_start, char_end, token_count, context, section)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind([
            documentID, chunk.ordinal, "\(documentKey)#\(chunk.ordinal)", chunk.text, chunk.characterStart,
            chunk.characterEnd, chunk.tokenCount, chunk.context, chunk.section,
        ])
        _ = try insert.step()
        let chunkID = connection.lastInsertRowID
        let vector = try statement("INSERT INTO vectors (chunk_id, embedding) VALUES (?, ?)")
        try vector.bind(.integer(chunkID), at: 1)
        try chunk.embedding.withUnsafeBufferPointer { try vector.bind(floats: $0, at: 2) }
        _ = try vector.step()
        let (scale, code) = Int8Quantizer.encode(chunk.embedding)
        let codes = try statement("INSERT INTO vector_codes (chunk_id, document_id, scale, code) VALUES (?, ?, ?, ?)")
        try codes.bind([chunkID, documentID, Double(scale), code.map { UInt8(bitPattern: $0) }])
        _ = try codes.step()
        if let states = chunk.tokenStates {
            let insert = try statement("INSERT INTO chunk_states (chunk_id, states) VALUES (?, ?)")
            try insert.bind([chunkID, states])
            _ = try insert.step()
        }
    }

    /// Records a reject or failure; a document's earlier rows are replaced, so they never pile up.
    mutating func insert(_ reject: RejectInput) throws {
        if let key = reject.key { try forgetRejects(of: key) }
        let insert = try statement(
            """
            INSERT INTO rejects (run_id, input, line, reason, limit_value, detail, kind, code, document_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, \(Schema.now))
            """)
        try insert.bind([
            runID, reject.input, reject.line, reject.reason, reject.limit, reject.detail, reject.kind.rawValue,
            reject.code.rawValue, reject.key,
        ])
        _ = try insert.step()
    }

    mutating func forgetRejects(of key: String) throws {
        let delete = try statement("DELETE FROM rejects WHERE document_key = ?")
        try delete.bind([key])
        _ = try delete.step()
    }

    mutating func record(_ progress: RunProgress) throws {
        let update = try statement(
            """
            UPDATE runs SET documents_seen = ?, documents_indexed = ?, documents_unchanged = ?,
                documents_rejected = ?, documents_pruned = ?, documents_failed = ?, chunks_written = ?,
                tokens_embedded = ?, progress = ?, updated_at = \(Schema.now)
            WHERE id = ?
            """)
        let counters = progress.counters
        try update.bind([
            counters.documentsSeen, counters.documentsIndexed, counters.documentsUnchanged, counters.documentsRejected,
            counters.documentsPruned, counters.documentsFailed, counters.chunksWritten, counters.tokensEmbedded,
            progress.cursor, progress.runID,
        ])
        _ = try update.step()
    }
}
