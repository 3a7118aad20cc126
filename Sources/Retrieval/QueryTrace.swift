import Embedding
import Store
import Tokenizer
import Host

/// One query's candidate lists and late-interaction scores (`QueryEngine.trace`).
public struct QueryTrace: Sendable {
    public var vector: [(chunkID: Int64, documentKey: String)]
    public var keyword: [(chunkID: Int64, documentKey: String)]
    public var lateInteraction: [Int64: Float]
}
