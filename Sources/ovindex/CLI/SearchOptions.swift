import Embedding
import Retrieval
import Settings

/// The store and models `query` and `eval` search with.
struct SearchOptions {
    var store: String?
    var model: String?
    var reranker: String?
    var inference = InferenceOptions()

    static let section = SettingSection<SearchOptions>(
        "Store and models",
        [
            .option("--store", value: "PATH", .path, help: "the store to search (required but for --classify of texts)", \.store),
            .option(
                "--model", value: "DIR|NAME", .path, help: "the embedding model the store was built with",
                default: "the one the store recorded, found by name in data/models", \.model),
            ModelOptions.reranker(\.reranker, for: ", for --rerank cross-encoder"),
        ] + InferenceOptions.settings.map { $0.lifted(\.inference) })

    /// The usage error for a command that cannot run without a store.
    func requireStore() throws(UsageError) {
        if store == nil { throw UsageError("--store PATH is required") }
    }

    /// The store opened read-only with its models loaded, once.
    func open() async throws -> QueryEngine {
        try await QueryEngine.open(
            store: store ?? "", model: model, reranker: reranker, options: inference.embedderOptions())
    }
}
