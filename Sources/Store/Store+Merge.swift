import SQLite
import TextIO

/// What merging one store into another did.
public struct MergeOutcome: Sendable, Equatable {
    /// Documents the target did not have.
    public var added = 0
    /// Documents the target had with other content, now replaced by the merged store's version.
    public var replaced = 0
    /// Documents the target already had with the same content (merging a shard twice changes nothing).
    public var unchanged = 0
    public var chunks = 0
    public var rejects = 0

    public init() {}
}

extension Store {
    /// Copies the documents of the store at `path` (a shard) into this one, with their chunks, vectors, int8
    /// codes, full-text entries and metadata, and its rejects: one transaction, recorded as a run.
    ///
    /// A document this store has with the same content hash is left alone, so merging is idempotent; one with
    /// another hash is replaced. The stores must hold vectors of the same model and chunk settings.
    ///
    /// - Throws: `StoreError` (`.notAStore`, `.missing`) for a file that is not a store; `.modelMismatch`
    ///   naming what differs when the shard was built with another model or other settings.
    @discardableResult
    public func merge(from path: String) throws(StoreError) -> MergeOutcome {
        let shard = try Store(path: path, mode: .readOnly)
        guard let model = try shard.modelIdentity() else { return MergeOutcome() }
        if let ours = try modelIdentity() {
            let differences = ours.differences(from: model)
            guard differences.isEmpty else {
                throw StoreError(
                    .modelMismatch, path: self.path,
                    message: "cannot merge \(path): it holds vectors of another model "
                        + "(\(differences.joined(separator: ", "))); shards must be built with the same model")
            }
        } else {
            try bind(to: model)
        }
        for (key, value) in try shard.settings() where key != "shard" {
            do {
                try bind(setting: key, to: value, meaning: "\(key) =")
            } catch {
                throw StoreError(
                    .modelMismatch, path: self.path,
                    message: "cannot merge \(path): \(error.message); shards must come from one pipeline definition")
            }
        }
        return try perform("merging \(path)") {
            try connection.execute("ATTACH DATABASE ? AS shard", [path])
            defer { try? connection.execute("DETACH DATABASE shard") }
            let stamp = try shard.lastRun().map(Self.runStamp) ?? ""
            var settings = JSONWriter()
            settings.object { run in
                run.field("merge", path)
                run.field("shard_run", stamp)
            }
            let runID = try beginRunInline(settings: settings.text)
            let outcome: MergeOutcome
            do {
                outcome = try connection.inTransaction { () throws -> MergeOutcome in
                    try copyShard(runID: runID)
                }
            } catch {
                // The merge is all or nothing: its run is failed, not left "running".
                try? connection.execute(
                    "UPDATE runs SET status = 'failed', error = ?, finished_at = \(Schema.now) WHERE id = ?",
                    ["\(error)", runID])
                throw error
            }
            try connection.execute(
                """
                UPDATE runs SET status = 'completed', finished_at = \(Schema.now), updated_at = \(Schema.now),
                    documents_seen = ?, documents_indexed = ?, documents_unchanged = ?, chunks_written = ?
                WHERE id = ?
                """,
                [outcome.added + outcome.replaced + outcome.unchanged, outcome.added + outcome.replaced,
                 outcome.unchanged, outcome.chunks, runID])
            return outcome
        }
    }

    /// What identifies a run across copies of its store: its id and when it started.
    public static func runStamp(_ run: RunRecord) -> String { "\(run.id)@\(run.startedAt)" }

    /// The stamp (`runStamp`) of the shard run that the last completed merge of `path` into this store copied,
    /// nil when this store never merged that path.
    public func lastMergedRun(of path: String) throws(StoreError) -> String? {
        try perform("reading merges") {
            try connection.scalarText(
                """
                SELECT json_extract(settings, '$.shard_run') FROM runs
                WHERE status = 'completed' AND json_valid(settings) AND json_extract(settings, '$.merge') = ?
                ORDER BY id DESC LIMIT 1
                """, [path])
        }
    }

    private func beginRunInline(settings: String) throws -> Int64 {
        try connection.execute(
            "INSERT INTO runs (started_at, updated_at, status, settings) VALUES (\(Schema.now), \(Schema.now), 'running', ?)",
            [settings])
        return connection.lastInsertRowID
    }

    /// The set-based copy, inside the caller's transaction, with the shard attached as `shard`.
    private func copyShard(runID: Int64) throws -> MergeOutcome {
        var outcome = MergeOutcome()
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS merge_keys (key TEXT PRIMARY KEY, replaced INTEGER)")
        try connection.execute("DELETE FROM temp.merge_keys")
        try connection.execute(
            """
            INSERT INTO temp.merge_keys (key, replaced)
            SELECT s.key, m.id IS NOT NULL FROM shard.documents s LEFT JOIN main.documents m ON m.key = s.key
            WHERE m.id IS NULL OR m.content_hash != s.content_hash OR m.state != s.state
            """)
        let total = Int(try connection.scalarInt("SELECT count(*) FROM shard.documents") ?? 0)
        outcome.replaced = Int(try connection.scalarInt("SELECT count(*) FROM temp.merge_keys WHERE replaced") ?? 0)
        outcome.added = Int(try connection.scalarInt("SELECT count(*) FROM temp.merge_keys WHERE NOT replaced") ?? 0)
        outcome.unchanged = total - outcome.added - outcome.replaced
        // Replaced documents go first; the cascade removes their chunks, vectors, codes and text entries.
        try connection.execute("DELETE FROM main.documents WHERE key IN (SELECT key FROM temp.merge_keys WHERE replaced)")
        try connection.execute(
            """
            INSERT INTO main.documents
                (key, source, content_hash, byte_size, metadata, state, chunk_count, run_id, created_at, updated_at)
            SELECT s.key, s.source, s.content_hash, s.byte_size, s.metadata, s.state, s.chunk_count, ?,
                s.created_at, \(Schema.now)
            FROM shard.documents s JOIN temp.merge_keys k ON k.key = s.key ORDER BY s.key
            """, [runID])
        try connection.execute(
            """
            INSERT INTO main.document_metadata (document_id, key, value)
            SELECT m.id, dm.key, dm.value FROM shard.document_metadata dm
            JOIN shard.documents s ON s.id = dm.document_id
            JOIN temp.merge_keys k ON k.key = s.key JOIN main.documents m ON m.key = s.key
            """)
        // A shard written before schema 3 has no chunk contexts and no token states, one before schema 4 no
        // sections: its chunks come without.
        let shardVersion = try connection.scalarInt("PRAGMA shard.user_version") ?? 0
        try connection.execute(
            """
            INSERT INTO main.chunks (
                document_id, ordinal, key, text, char_start, char_end, token_count, context, section)
            SELECT m.id, c.ordinal, c.key, c.text, c.char_start, c.char_end, c.token_count,
                \(shardVersion >= 3 ? "c.context" : "''"), \(shardVersion >= 4 ? "c.section" : "''")
            FROM shard.chunks c
            JOIN shard.documents s ON s.id = c.document_id
            JOIN temp.merge_keys k ON k.key = s.key JOIN main.documents m ON m.key = s.key
            ORDER BY m.id, c.ordinal
            """)
        outcome.chunks = connection.changes
        try connection.execute(
            """
            INSERT INTO main.vectors (chunk_id, embedding)
            SELECT mc.id, v.embedding FROM shard.vectors v JOIN shard.chunks c ON c.id = v.chunk_id
            JOIN shard.documents s ON s.id = c.document_id JOIN temp.merge_keys k ON k.key = s.key
            JOIN main.chunks mc ON mc.key = c.key
            """)
        try connection.execute(
            """
            INSERT INTO main.vector_codes (chunk_id, document_id, scale, code)
            SELECT mc.id, mc.document_id, vc.scale, vc.code FROM shard.vector_codes vc
            JOIN shard.chunks c ON c.id = vc.chunk_id
            JOIN shard.documents s ON s.id = c.document_id JOIN temp.merge_keys k ON k.key = s.key
            JOIN main.chunks mc ON mc.key = c.key
            """)
        if shardVersion >= 3 {
            try connection.execute(
                """
                INSERT INTO main.chunk_states (chunk_id, states)
                SELECT mc.id, cs.states FROM shard.chunk_states cs JOIN shard.chunks c ON c.id = cs.chunk_id
                JOIN shard.documents s ON s.id = c.document_id JOIN temp.merge_keys k ON k.key = s.key
                JOIN main.chunks mc ON mc.key = c.key
                """)
        }
        try connection.execute(
            """
            INSERT INTO main.rejects (
                run_id, input, line, reason, limit_value, detail, kind, code, document_key, created_at)
            SELECT ?, r.input, r.line, r.reason, r.limit_value, r.detail, r.kind, r.code, r.document_key, r.created_at
            FROM shard.rejects r
            WHERE NOT EXISTS (
                SELECT 1 FROM main.rejects x WHERE x.input = r.input AND x.line IS r.line AND x.reason = r.reason
                AND x.detail IS r.detail AND x.created_at = r.created_at)
            """, [runID])
        outcome.rejects = connection.changes
        return outcome
    }
}
