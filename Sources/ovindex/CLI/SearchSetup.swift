import Embedding
import Foundation
import OpenVINO
import Retrieval
import Store

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
    var precision: EmbedCommand.Precision
    var threads: Int?
    var timeout: Duration

    init(parsing arguments: inout Arguments, command: String) throws(UsageError) {
        guard let store = try arguments.option("--store") else {
            throw UsageError(command: command, message: "--store PATH is required")
        }
        self.store = store
        model = try arguments.option("--model")
        reranker = try arguments.option("--reranker")
        precision = try arguments.choice("--precision", EmbedCommand.Precision.self) ?? .auto
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
        let directory = try ModelDirectory.resolve(model, for: identity)
        let options = Embedder.Options(
            precision: precision == .auto ? nil : CompileOptions.Precision(rawValue: precision.rawValue),
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

extension ModelDirectory {
    /// The model that embeds queries for a store: the one asked for (`--model`, else `$OVINDEX_MODEL`); else
    /// the one the store recorded, by its short name; else the default model.
    ///
    /// - Throws: `ModelError` when the store's model is not found by name (it was built with a directory
    ///   outside the models folder): `--model` must say where it is.
    static func resolve(_ requested: String?, for identity: ModelIdentity?) throws(ModelError) -> ModelDirectory {
        guard requested == nil, ProcessInfo.processInfo.environment["OVINDEX_MODEL"] == nil,
            let name = identity?.name, !name.isEmpty
        else {
            return try resolve(requested)
        }
        do {
            return try resolve(name)
        } catch {
            throw ModelError(
                path: name,
                message: "the store was built with this model, which is not in the models folder (\(error.message)); "
                    + "pass --model DIR")
        }
    }
}
