public import Models
public import OpenVINO
public import Tokenizer

/// A BERT-family sequence-classification model with one output logit, used to score (query, passage) pairs:
/// a cross-encoder reranker such as ms-marco-MiniLM or bge-reranker, converted by `scripts/convert_model.py`.
///
/// Pairs are encoded `[CLS] query [SEP] passage [SEP]` with token type ids 0 then 1 and truncated longest
/// first to the model's maximum; the score is the relevance logit. Safe to share between tasks.
public final class CrossEncoder: Sendable {
    public let options: Embedder.Options
    /// The model's maximum sequence length in tokens, special tokens included.
    public let maximumLength: Int
    private let model: LoadedModel

    public var directory: ModelDirectory { model.directory }
    public var tokenizer: BertTokenizer { model.tokenizer }

    /// Loads the tokenizer and compiles the model (once per process, through `cache`: the process's shared one
    /// unless told otherwise).
    ///
    /// - Throws: `ModelError` for a directory that is not a one-logit classification model, `TokenizerError`,
    ///   or `OpenVINOError` from reading or compiling the graph.
    public static func load(
        _ directory: ModelDirectory, options: Embedder.Options = .init(), cache: ModelCache? = nil
    ) async throws -> CrossEncoder {
        guard directory.manifest.task == "classification" else {
            throw ModelError(
                path: directory.path,
                message: "has task '\(directory.manifest.task)': a cross-encoder is a sequence-classification model "
                    + "(task 'classification'; convert one with scripts/convert_model.py)")
        }
        guard (directory.manifest.num_labels ?? 1) == 1 else {
            throw ModelError(
                path: directory.path,
                message: "has \(directory.manifest.num_labels ?? 0) labels; a reranker needs exactly one relevance logit")
        }
        var compile = options
        compile.performanceHint = nil  // queries rerank one batch at a time: the latency default
        let model = try await LoadedModel.load(
            directory, outputs: ["logits"], options: compile, cache: try cache ?? ModelCache.shared())
        return CrossEncoder(model: model, options: options)
    }

    private init(model: LoadedModel, options: Embedder.Options) {
        self.model = model
        self.options = options
        self.maximumLength = model.directory.manifest.max_sequence_length
    }

    /// The encoding the model sees for a pair.
    public func encode(query: String, passage: String) -> Encoding {
        tokenizer.encode(query, pair: passage, maxLength: maximumLength)
    }

    /// The relevance logit of each encoded pair, in the same order (one batch, one inference).
    ///
    /// - Throws: `OpenVINOError` (with kind `.timedOut` past the timeout), `CancellationError`, `ModelError`.
    public func score(_ encodings: [Encoding]) async throws -> [Float] {
        guard !encodings.isEmpty else { return [] }
        let batch = BatchEncoding(
            encodings, padID: tokenizer.paddingID, lengthMultiple: options.lengthMultiple, maximumLength: maximumLength)
        let timeout = options.timeout
        return try await model.run(batch, timeout: timeout) { request in
            let output = try request.output("logits")
            guard output.shape == [batch.rows, 1] else {
                throw ModelError(
                    path: request.model.source, message: "logits has shape \(output.shape), expected [\(batch.rows), 1]")
            }
            return output.withUnsafeMutableBufferPointer(as: Float.self) { Array($0.prefix(batch.rows)) }
        }
    }

    /// Scores `passages` against `query`: batches of similar lengths under `batchTokens`, several in flight.
    public func score(query: String, passages: [String], batchTokens: Int = InferenceLimits.defaultBatchTokens) async throws -> [Float] {
        try await score(passages.map { encode(query: query, passage: $0) }, batchTokens: batchTokens)
    }

    /// Scores encoded pairs in batches of similar lengths under `batchTokens`, several in flight, in order.
    public func score(_ encodings: [Encoding], batchTokens: Int) async throws -> [Float] {
        try await TokenBatcher(budget: batchTokens, lengthMultiple: options.lengthMultiple).map(encodings) {
            try await self.score($0)
        }
    }
}

extension Embedder {
    /// Token states of `encodings` in batches of similar lengths under `batchTokens`, results in input order.
    public func tokenStates(_ encodings: [Encoding], batchTokens: Int) async throws -> [TokenStates] {
        try await TokenBatcher(budget: batchTokens, lengthMultiple: options.lengthMultiple).map(encodings) {
            try await self.tokenStates($0)
        }
    }

    /// Sentence embeddings of `encodings` in batches of similar lengths under `batchTokens`, in input order.
    public func embed(_ encodings: [Encoding], batchTokens: Int) async throws -> [[Float]] {
        try await TokenBatcher(budget: batchTokens, lengthMultiple: options.lengthMultiple).map(encodings) {
            try await self.embed($0)
        }
    }
}
