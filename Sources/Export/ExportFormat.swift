/// The shapes a vector database's bulk loader takes, for `ovindex export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// `{"id", "document", "source", "chunk", "text", "metadata", "vector"}` per line.
    case jsonl
    /// Qdrant points: `{"id", "vector", "payload": {...}}` per line.
    case qdrant
    /// A Milvus row-based bulk-insert JSON file: `{"rows": [...]}`.
    case milvus
    /// The Vespa feed format: `{"put": "id:ovindex:chunk::DOC#N", "fields": {...}}` per line.
    case vespa
    /// A folder of NumPy files, one per field (Milvus' NumPy bulk insert): vector.npy, id.npy, rows.jsonl.
    case npy
}
