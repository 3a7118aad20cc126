import Host
import Store

/// Where candidates come from.
public enum RetrievalMode: String, CaseIterable, Sendable {
    /// Cosine similarity: the int8 scan picks candidates, their f32 vectors are re-scored.
    case vector
    /// BM25 over chunk text (SQLite FTS5).
    case keyword
    /// Both, fused by reciprocal rank.
    case hybrid
}
