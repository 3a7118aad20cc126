public import Embedding
import Models
import Store

extension QueryEngine {
    /// Opens the store at `path` read-only and loads the embedding model it was built with (or `model`, a
    /// directory or a name under data/models), and the cross-encoder `reranker` when one is named: each model
    /// once per process.
    ///
    /// - Throws: `StoreError` (missing, not a store, no vectors yet), `ModelError` and `OpenVINOError` from
    ///   finding and loading the models, `QueryError.setup` when the store was built with another model.
    public static func open(
        store path: String, model: String? = nil, reranker: String? = nil, options: Embedder.Options = .init()
    ) async throws -> QueryEngine {
        let store = try Store(path: path, mode: .readOnly)
        let identity = try store.requireModelIdentity()
        let embedder = try await Embedder.load(
            try ModelDirectory.resolve(model, storeModelName: identity.name), options: options)
        var crossEncoder: CrossEncoder?
        if let reranker {
            crossEncoder = try await CrossEncoder.load(try ModelDirectory.resolve(reranker), options: options)
        }
        return try QueryEngine(store: store, embedder: embedder, crossEncoder: crossEncoder)
    }
}
