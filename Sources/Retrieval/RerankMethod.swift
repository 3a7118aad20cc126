import Host
import Store

/// How candidates are re-scored before the top k are taken.
public enum RerankMethod: String, CaseIterable, Sendable {
    case none
    /// MaxSim between the query's and each candidate's token states from the embedding model (no extra model).
    case lateInteraction = "late-interaction"
    /// A sequence-classification model scoring each (query, passage) pair.
    case crossEncoder = "cross-encoder"
}
