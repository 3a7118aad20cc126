import Embedding
public import Store
import Tokenizer
import Host

/// One result: a chunk with its document, the score that ranked it, and the retrieval score it had before
/// reranking.
public struct QueryResult: Sendable, Equatable {
    public var hit: SearchHit
    /// The score that ranked it: the retrieval score without reranking; the reranker's score, or, when the
    /// first stage's ranks are fused back in (`QueryOptions.firstStageWeight`), the fused reciprocal-rank score.
    public var score: Float
    /// Cosine (vector), BM25 (keyword) or fused reciprocal-rank score (hybrid).
    public var retrievalScore: Float
    /// The reranker's own score (nil without reranking).
    public var rerankScore: Float?

    public init(hit: SearchHit, score: Float, retrievalScore: Float, rerankScore: Float? = nil) {
        self.hit = hit
        self.score = score
        self.retrievalScore = retrievalScore
        self.rerankScore = rerankScore
    }
}
