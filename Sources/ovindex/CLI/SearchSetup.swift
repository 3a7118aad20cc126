import Embedding
import Foundation
import OpenVINO
import Retrieval
import Store
import Models

/// The options `query` and `eval` share: the store, the models, and inference settings; and loading them.
struct SearchSetup {
    static let help = """
        Store and models:
          --store PATH           the store to search (required)
          --model DIR|NAME       the embedding model the store was built with (default: the one the store
                                 recorded, found by name in data/models, e.g. all-MiniLM-L6-v2-int8)
          --reranker DIR|NAME    a cross-encoder model directory (made by scripts/convert_model.py), for
                                 --rerank cross-encoder
          --precision P          inference precision: f32, bf16 or auto (default auto)
          --threads N            CPU threads for inference (default: all)
          --timeout SECONDS      longest one inference may take before it is cancelled (default 30)
        """

    var store: String
    var model: String?
    var reranker: String?
    var precision: InferencePrecision
    var threads: Int?
    var timeout: Duration

    init(parsing arguments: inout Arguments, command: String) throws(UsageError) {
        guard let store = try arguments.option("--store") else {
            throw UsageError(command: command, message: "--store PATH is required")
        }
        self.store = store
        model = try arguments.option("--model")
        reranker = try arguments.option("--reranker")
        precision = try arguments.choice("--precision", InferencePrecision.self) ?? .auto
        threads = try arguments.integer("--threads", in: 1...1024)
        timeout = try arguments.seconds("--timeout", in: 0.001...86_400) ?? .seconds(30)
    }

    /// Opens the store read-only and loads the embedding model (and the reranker when given), once.
    func load() async throws -> QueryEngine {
        let opened = try Store(path: store, mode: .readOnly)
        guard let identity = try opened.modelIdentity() else {
            throw StoreError(
                .empty, path: store,
                message: "holds no vectors yet (no model recorded): index documents into it with 'ovindex run' first")
        }
        let directory = try ModelDirectory.resolve(model, storeModelName: identity.name)
        let options = Embedder.Options(
            precision: precision,
            requests: 2, timeout: timeout, threads: threads)
        let cache = ModelCache(core: try Core())
        let embedder = try await Embedder.load(directory, options: options, cache: cache)
        var crossEncoder: CrossEncoder?
        if let reranker {
            crossEncoder = try await CrossEncoder.load(
                try ModelDirectory.resolve(reranker), options: options, cache: cache)
        }
        do {
            return try QueryEngine(store: opened, embedder: embedder, crossEncoder: crossEncoder)
        } catch let error as QueryError {
            throw CommandError(.failure, error.description)
        }
    }
}
