import SQLite
import TextIO

/// One indexed document with its chunks' vectors, as a classifier reads it.
public struct DocumentVectors: Sendable {
    public var key: String
    /// The document's metadata, as JSON object text.
    public var metadata: String
    /// Chunk ids and vectors, in chunk order.
    public var chunkIDs: [Int64]
    public var vectors: [[Float]]
}

extension Store {
    /// Calls `body` with every indexed document and its chunks' vectors, in document id order, one document at
    /// a time (memory holds one document's vectors, whatever the store's size).
    public func forEachDocumentVectors(_ body: (DocumentVectors) throws -> Void) throws(StoreError) {
        try perform("reading documents' vectors") {
            try readSnapshot {
                let statement = try connection.prepare(
                    """
                    SELECT d.key, d.metadata, c.id, v.embedding FROM documents d
                    JOIN chunks c ON c.document_id = d.id JOIN vectors v ON v.chunk_id = c.id
                    WHERE d.state = 'indexed' ORDER BY d.id, c.ordinal
                    """)
                var current: DocumentVectors?
                while try statement.step() {
                    let key = statement.text(at: 0) ?? ""
                    if let document = current, document.key != key {
                        try body(document)
                        current = nil
                    }
                    if current == nil {
                        current = DocumentVectors(key: key, metadata: statement.text(at: 1) ?? "{}", chunkIDs: [], vectors: [])
                    }
                    current?.chunkIDs.append(statement.int64(at: 2))
                    current?.vectors.append(statement.floats(at: 3))
                }
                if let current { try body(current) }
            }
        }
    }

    /// The chunks' vectors of the indexed documents `keys`, by key (a key the store does not hold as indexed is
    /// left out).
    public func documentVectors(forKeys keys: [String]) throws(StoreError) -> [String: DocumentVectors] {
        try perform("reading documents' vectors") {
            let statement = try connection.prepare(
                """
                SELECT d.metadata, c.id, v.embedding FROM documents d
                JOIN chunks c ON c.document_id = d.id JOIN vectors v ON v.chunk_id = c.id
                WHERE d.state = 'indexed' AND d.key = ? ORDER BY c.ordinal
                """)
            var found: [String: DocumentVectors] = [:]
            for key in Set(keys) {
                statement.reset()
                try statement.bind([key])
                var document = DocumentVectors(key: key, metadata: "{}", chunkIDs: [], vectors: [])
                while try statement.step() {
                    document.metadata = statement.text(at: 0) ?? "{}"
                    document.chunkIDs.append(statement.int64(at: 1))
                    document.vectors.append(statement.floats(at: 2))
                }
                if !document.vectors.isEmpty { found[key] = document }
            }
            return found
        }
    }

    /// Sets the metadata `field` (and `field_score`) of the documents `labels` names, in one transaction: the
    /// label is a string, or null (no label was close enough: the field is then not filterable). Returns how
    /// many documents changed.
    ///
    /// - Parameter beforeCommit: runs inside the transaction after every label is written (a fault seam for
    ///   tests); what it throws rolls every label back.
    /// - Throws: `StoreError`, or `beforeCommit`'s error; nothing is changed then.
    @discardableResult
    public func setLabels(
        field: String, _ labels: [(key: String, label: String?, score: Float)], beforeCommit: () throws -> Void = {}
    ) throws(StoreError) -> Int {
        let scoreField = field + "_score"
        return try perform("recording labels") {
            try connection.inTransaction { () throws -> Int in
                let update = try connection.prepare(
                    """
                    UPDATE documents SET metadata = json_set(metadata, '$.' || json_quote(?), json(?),
                        '$.' || json_quote(?), json(?)), updated_at = \(Schema.now)
                    WHERE key = ? AND state = 'indexed'
                    """)
                let id = try connection.prepare("SELECT id FROM documents WHERE key = ?")
                let remove = try connection.prepare("DELETE FROM document_metadata WHERE document_id = ? AND key = ?")
                let insert = try connection.prepare(
                    "INSERT OR REPLACE INTO document_metadata (document_id, key, value) VALUES (?, ?, ?)")
                var changed = 0
                for (key, label, score) in labels {
                    let labelJSON = label.map(JSONWriter.quoted) ?? "null"
                    update.reset()
                    try update.bind([field, labelJSON, scoreField, String(score), key])
                    _ = try update.step()
                    guard connection.changes > 0 else { continue }
                    changed += 1
                    id.reset()
                    try id.bind([key])
                    guard try id.step() else { continue }
                    let documentID = id.int64(at: 0)
                    remove.reset()
                    try remove.bind([documentID, field])
                    _ = try remove.step()
                    insert.reset()
                    try insert.bind([documentID, scoreField, String(score)])
                    _ = try insert.step()
                    if let label {
                        insert.reset()
                        try insert.bind([documentID, field, label])
                        _ = try insert.step()
                    }
                }
                try beforeCommit()
                return changed
            }
        }
    }
}
