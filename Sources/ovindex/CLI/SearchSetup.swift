import Embedding
import OpenVINO
import Retrieval
import Store

/// The options `query` and `eval` share: the store, the models, and inference settings; and loading them.
struct SearchSetup {
    static let help = """
        Store and models:
          --store PATH           the store to search (required)
          --model DIR|NAME       the embedding model the store was built with (default: all-MiniLM-L6-v2)
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
        let options = Embedder.Options(
            precision: precision == .auto ? nil : CompileOptions.Precision(rawValue: precision.rawValue),
            requests: 2, timeout: timeout, threads: threads)
        let cache = ModelCache(core: try Core())
        let embedder = try await Embedder.load(try ModelDirectory.resolve(model), options: options, cache: cache)
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
