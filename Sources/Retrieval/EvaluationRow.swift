import Host
import TextIO

/// One configuration of the evaluation grid and how it did.
public struct EvaluationRow: Sendable {
    public var mode: RetrievalMode
    public var rerank: RerankMethod
    public var metrics: EvaluationMetrics
}
