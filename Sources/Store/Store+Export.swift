import SQLite

/// One chunk as exported: its document, its place in it, its text and vector.
public struct ExportRow {
    public var documentKey: String
    public var source: String
    public var ordinal: Int
    public var text: String
    /// The document's metadata as JSON object text.
    public var metadata: String
    public var vector: [Float]
}

extension Store {
    /// The export query: documents in key order, each one's chunks in order, walked through the unique
    /// indexes so SQLite streams rows without sorting (memory stays flat whatever the store's size).
    public static let exportSQL = """
        SELECT d.key, d.source, c.ordinal, c.text, d.metadata, v.embedding
        FROM documents d
        JOIN chunks c ON c.document_id = d.id
        JOIN vectors v ON v.chunk_id = c.id
        WHERE d.state = 'indexed'
        ORDER BY d.key, c.ordinal
        """

    /// Calls `body` with every chunk, ordered by document key then chunk ordinal, one row at a time.
    public func forEachChunk(_ body: (ExportRow) throws -> Void) throws(StoreError) {
        try perform("exporting") {
            let statement = try connection.prepare(Self.exportSQL)
            while try statement.step() {
                try body(
                    ExportRow(
                        documentKey: statement.text(at: 0) ?? "", source: statement.text(at: 1) ?? "",
                        ordinal: statement.int(at: 2), text: statement.text(at: 3) ?? "",
                        metadata: statement.text(at: 4) ?? "{}", vector: statement.floats(at: 5)))
            }
        }
    }

    /// SQLite's plan for `sql`, one line per step (for tests and diagnostics).
    public func queryPlan(_ sql: String) throws(StoreError) -> [String] {
        try perform("explaining a query") {
            let statement = try connection.prepare("EXPLAIN QUERY PLAN " + sql)
            var steps: [String] = []
            while try statement.step() { steps.append(statement.text(at: 3) ?? "") }
            return steps
        }
    }
}
