import SQLite

extension Store {
    /// Starts a run and returns its id. `settings` is the run's configuration as JSON.
    public func beginRun(settings: String) throws(StoreError) -> Int64 {
        try perform("starting a run") {
            try connection.execute(
                "INSERT INTO runs (started_at, updated_at, status, settings) VALUES (\(Schema.now), \(Schema.now), 'running', ?)",
                [settings])
            return connection.lastInsertRowID
        }
    }

    /// Marks a run finished with `status` (and the error that ended it, if any).
    public func finishRun(_ id: Int64, status: RunRecord.Status, error: String? = nil) throws(StoreError) {
        try perform("finishing the run") {
            try connection.execute(
                "UPDATE runs SET status = ?, error = ?, finished_at = \(Schema.now), updated_at = \(Schema.now) WHERE id = ?",
                [status.rawValue, error, id])
        }
    }

    /// Marks runs still recorded as running as interrupted (call it holding the store's run lock: no other
    /// run can be alive, so they were killed). Returns how many there were.
    @discardableResult
    public func interruptStaleRuns() throws(StoreError) -> Int {
        try perform("closing stale runs") {
            try connection.execute(
                """
                UPDATE runs SET status = 'interrupted', error = 'the process stopped without finishing (killed?)',
                    finished_at = updated_at WHERE status = 'running'
                """)
            return connection.changes
        }
    }

    /// The most recent run, if any.
    public func lastRun() throws(StoreError) -> RunRecord? {
        try runs(id: nil).first
    }

    /// The most recent runs, newest first.
    public func recentRuns(limit: Int) throws(StoreError) -> [RunRecord] {
        try runs(id: nil, limit: limit)
    }

    public func run(_ id: Int64) throws(StoreError) -> RunRecord? {
        try runs(id: id).first
    }

    /// The run `id`, or the latest run when nil.
    private func runs(id: Int64?, limit: Int = 1) throws(StoreError) -> [RunRecord] {
        try perform("reading runs") {
            let statement = try connection.prepare(
                """
                SELECT id, started_at, updated_at, finished_at, status, settings, documents_seen, documents_indexed,
                    documents_unchanged, documents_rejected, documents_pruned, chunks_written, tokens_embedded,
                    progress, error, documents_failed
                FROM runs WHERE ?1 IS NULL OR id = ?1 ORDER BY id DESC LIMIT ?2
                """)
            try statement.bind([id, limit])
            var records: [RunRecord] = []
            while try statement.step() {
                var counters = RunCounters()
                counters.documentsSeen = statement.int(at: 6)
                counters.documentsIndexed = statement.int(at: 7)
                counters.documentsUnchanged = statement.int(at: 8)
                counters.documentsRejected = statement.int(at: 9)
                counters.documentsPruned = statement.int(at: 10)
                counters.chunksWritten = statement.int(at: 11)
                counters.tokensEmbedded = statement.int(at: 12)
                counters.documentsFailed = statement.int(at: 15)
                records.append(
                    RunRecord(
                        id: statement.int64(at: 0), startedAt: statement.text(at: 1) ?? "",
                        updatedAt: statement.text(at: 2) ?? "", finishedAt: statement.text(at: 3),
                        status: RunRecord.Status(rawValue: statement.text(at: 4) ?? "") ?? .failed,
                        settings: statement.text(at: 5) ?? "{}", counters: counters,
                        cursor: statement.text(at: 13) ?? "{}", error: statement.text(at: 14)))
            }
            return records
        }
    }
}

extension Store {
    /// Whether the schema has the token-state table and chunk contexts (version 3 on; a reader opens version 2
    /// as it is). Read once at opening, not on every query.
    var keepsStateTable: Bool { openedSchemaVersion >= 3 }
    /// Whether chunks have a section (schema 4 on).
    var keepsSections: Bool { openedSchemaVersion >= 4 }

    public func statistics() throws(StoreError) -> StoreStatistics {
        try perform("reading statistics") {
            func count(_ sql: String) throws -> Int { Int(try connection.scalarInt(sql) ?? 0) }
            return StoreStatistics(
                schemaVersion: try count("PRAGMA user_version"),
                documents: try count("SELECT count(*) FROM documents WHERE state = 'indexed'"),
                rejectedDocuments: try count("SELECT count(*) FROM documents WHERE state = 'rejected'"),
                chunks: try count("SELECT count(*) FROM chunks"),
                vectors: try count("SELECT count(*) FROM vectors"),
                rejects: try count("SELECT count(*) FROM rejects"),
                runs: try count("SELECT count(*) FROM runs"),
                fileBytes: fileSize,
                chunksWithStates: try keepsStateTable ? count("SELECT count(*) FROM chunk_states") : 0,
                stateBytes: try keepsStateTable ? count("SELECT coalesce(sum(length(states)), 0) FROM chunk_states") : 0)
        }
    }

    /// Recent rejects, newest first.
    public func rejects(limit: Int = 20) throws(StoreError) -> [RejectInput] {
        try perform("reading rejects") {
            let statement = try connection.prepare(
                """
                SELECT input, line, reason, limit_value, detail, kind, code, document_key
                FROM rejects ORDER BY id DESC LIMIT ?
                """)
            try statement.bind([limit])
            var rejects: [RejectInput] = []
            while try statement.step() {
                rejects.append(
                    RejectInput(
                        input: statement.text(at: 0) ?? "", line: statement.isNull(at: 1) ? nil : statement.int(at: 1),
                        code: Self.code(statement.text(at: 6), kind: statement.text(at: 5)),
                        reason: statement.text(at: 2) ?? "", limit: statement.text(at: 3),
                        detail: statement.text(at: 4), key: statement.text(at: 7)))
            }
            return rejects
        }
    }

    /// A stored code; rows written before codes existed (schema 1) read as the nearest general code.
    private static func code(_ stored: String?, kind: String?) -> RejectReason {
        if let stored, let code = RejectReason(rawValue: stored) { return code }
        return kind == "failure" ? .readError : .invalidField
    }
}
