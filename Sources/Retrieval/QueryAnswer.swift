import Embedding
import Store
import Tokenizer
import Host

/// A query's results and where its time went.
public struct QueryAnswer: Sendable {
    public var results: [QueryResult]
    public var candidates: Int
    public var retrievalSeconds: Double
    public var rerankSeconds: Double
    public var seconds: Double { retrievalSeconds + rerankSeconds }
}
