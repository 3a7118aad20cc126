import SQLite

extension Store {
    /// SQLite's `integrity_check` (page and b-tree structure, and every index against its table; O(pages),
    /// 0.36 s for a store of 100,000 chunks here): throws when it finds damage.
    ///
    /// Every writing command calls it before its first write, so a damaged store is never made worse.
    /// `quick_check` would be a third faster, but it does not compare indexes with their tables: a damaged
    /// unique index passed it, and the run then failed half-way with a constraint error.
    ///
    /// - Throws: `StoreError.Kind.corrupt` with SQLite's first findings.
    ///
    /// Related SQLite documentation: https://www.sqlite.org/pragma.html#pragma_integrity_check
    public func requireIntact() throws(StoreError) {
        let findings = try pragmaCheck("integrity_check", limit: 5)
        guard findings.isEmpty else {
            throw StoreError(
                .corrupt, path: path,
                message: "is corrupt (integrity_check: \(findings.joined(separator: "; "))): nothing was written; "
                    + "restore it from a backup or rebuild it into a new store")
        }
    }

    /// The full check behind `ovindex store check`: SQLite's `integrity_check`, the full-text index against the
    /// chunks, and ovindex's own invariants: every chunk has a vector of the store's dimension and an int8 code
    /// of it; every document's chunk count matches its chunks; rejected documents have none; no vector or code
    /// without its chunk. `staleRuns` are the runs recorded as running though no process holds the
    /// store's lock (pass them in: only the caller can take the lock).
    public func check(staleRuns: [Int64] = []) throws(StoreError) -> StoreCheck {
        var problems: [String] = []
        var checked: [String] = []
        let integrity = try pragmaCheck("integrity_check", limit: 20)
        checked.append("integrity")
        problems += integrity.map { "integrity: \($0)" }
        guard integrity.isEmpty else {
            // The invariants would read damaged pages: report what SQLite found, nothing more.
            return StoreCheck(problems: problems, checked: checked)
        }
        try perform("checking the store") {
            func count(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> Int {
                Int(try connection.scalarInt(sql, arguments) ?? 0)
            }
            func report(_ problem: String, _ sql: String, _ arguments: [any SQLiteBindable] = []) throws {
                let found = try count(sql, arguments)
                if found > 0 { problems.append(problem.replacingOccurrences(of: "%d", with: String(found))) }
            }
            let dimension = try connection.scalarText("SELECT value FROM index_info WHERE key = 'dimension'")
                .flatMap { Int($0) }
            let chunks = try count("SELECT count(*) FROM chunks")
            if chunks > 0 && dimension == nil {
                problems.append("model: the store holds \(chunks) chunks but no model dimension")
            }
            if let dimension {
                checked.append("vectors")
                if dimension <= 0 { problems.append("model: the recorded dimension \(dimension) is not positive") }
                try report(
                    "vectors: %d chunks have no f32 vector",
                    "SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id)")
                try report(
                    "vectors: %d vectors are not \(dimension) floats",
                    "SELECT count(*) FROM vectors WHERE length(embedding) != ?", [dimension * 4])
                try report(
                    "codes: %d chunks have no int8 code",
                    "SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM vector_codes v WHERE v.chunk_id = c.id)")
                try report(
                    "codes: %d int8 codes are not \(dimension) bytes",
                    "SELECT count(*) FROM vector_codes WHERE length(code) != ?", [dimension])
            }
            checked.append("orphans")
            try report(
                "orphans: %d vectors without their chunk",
                "SELECT count(*) FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)")
            try report(
                "orphans: %d int8 codes without their chunk",
                "SELECT count(*) FROM vector_codes v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)")
            try report(
                "orphans: %d int8 codes name another document than their chunk",
                "SELECT count(*) FROM vector_codes v JOIN chunks c ON c.id = v.chunk_id WHERE v.document_id != c.document_id")
            checked.append("documents")
            try report(
                "documents: %d documents' chunk counts differ from their chunks",
                """
                SELECT count(*) FROM documents d
                WHERE d.chunk_count != (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)
                """)
            try report(
                "documents: %d indexed documents have no chunks",
                "SELECT count(*) FROM documents WHERE state = 'indexed' AND chunk_count = 0")
            checked.append("full-text")
            try report(
                "full-text: %d chunks have no full-text row",
                "SELECT count(*) FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM chunks_fts_docsize d WHERE d.id = c.id)")
            try report(
                "full-text: %d full-text rows have no chunk",
                "SELECT count(*) FROM chunks_fts_docsize d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = d.id)")
            if mode != .readOnly {
                do {
                    // With rank 1, FTS5 compares its whole index with the content table (a write command, so
                    // only on a writable store).
                    try connection.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
                } catch let error as SQLiteError where error.primaryCode == SQLiteError.corrupt {
                    problems.append("full-text: the text index does not match the chunks (\(error.message))")
                }
            }
            checked.append("runs")
            for run in staleRuns {
                problems.append(
                    "runs: run #\(run) is marked running but no process holds the store (killed?): "
                        + "the next run marks it interrupted")
            }
        }
        return StoreCheck(problems: problems, checked: checked)
    }

    /// The ids of runs recorded as running.
    public func runningRuns() throws(StoreError) -> [Int64] {
        try perform("reading runs") {
            let statement = try connection.prepare("SELECT id FROM runs WHERE status = 'running' ORDER BY id")
            var ids: [Int64] = []
            while try statement.step() { ids.append(statement.int64(at: 0)) }
            return ids
        }
    }

    /// The rows of `PRAGMA name(limit)` other than "ok".
    private func pragmaCheck(_ name: String, limit: Int) throws(StoreError) -> [String] {
        do {
            let statement = try connection.prepare("PRAGMA \(name)(\(limit))")
            var rows: [String] = []
            while try statement.step() {
                let row = statement.text(at: 0) ?? ""
                if row != "ok" { rows.append(row) }
            }
            return rows
        } catch {
            // Damage can stop the check itself (SQLITE_CORRUPT while reading the schema).
            if error.primaryCode == SQLiteError.corrupt || error.primaryCode == SQLiteError.notADatabase {
                return [error.message]
            }
            throw StoreError.database(path, "running \(name)", error)
        }
    }
}
