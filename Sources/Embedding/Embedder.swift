public import Models
public import OpenVINO
public import Tokenizer

/// A sentence-embedding model ready to run: its tokenizer, the compiled graph and a pool of infer requests.
///
/// Texts are truncated to the model's maximum sequence length (from its manifest); the graph pools and
/// normalizes, so `embed` returns the model's sentence embeddings as they are. Safe to share between tasks:
/// at most `requests` batches run at once, each on its own infer request, each with the inference timeout.
public final class Embedder: Sendable {
    public struct Options: Sendable, Hashable {
        /// `auto` keeps the runtime's default (bf16 on CPUs with AVX-512 BF16 or AMX, else f32).
        public var precision: InferencePrecision
        /// Infer requests (batches in flight at once).
        public var requests: Int
        /// The longest one batch may take before it is cancelled.
        public var timeout: Duration
        public var threads: Int?
        /// Batches are padded to a multiple of this many tokens. OpenVINO compiles (and caches) work for each
        /// new input shape: a handful of lengths instead of every length from 1 to 256 saves that time and
        /// keeps the cache, and memory, from growing over a long run.
        public var lengthMultiple: Int
        /// nil keeps the runtime's default (latency: all cores on one request). Throughput runs one stream
        /// per core group, so `requests` batches truly run side by side: the better choice for indexing.
        public var performanceHint: CompileOptions.PerformanceHint?

        public init(
            precision: InferencePrecision = .auto, requests: Int = InferenceLimits.defaultRequests,
            timeout: Duration = InferenceLimits.defaultTimeout,
            threads: Int? = nil, lengthMultiple: Int = 16, performanceHint: CompileOptions.PerformanceHint? = nil
        ) {
            self.performanceHint = performanceHint
            self.precision = precision
            self.requests = requests
            self.timeout = timeout
            self.threads = threads
            self.lengthMultiple = max(1, lengthMultiple)
        }
    }

    public let options: Options
    /// The model's maximum sequence length in tokens, special tokens included.
    public let maximumLength: Int
    public let dimension: Int
    private let model: LoadedModel

    public var directory: ModelDirectory { model.directory }
    public var tokenizer: BertTokenizer { model.tokenizer }
    public var compiledModel: CompiledModel { model.compiledModel }
    /// Batches this embedder has run so far (each inference counts once, whatever it returned).
    public var inferencesRun: Int { model.pool.runs }

    /// Loads the tokenizer and compiles the model (once per process, through `cache`: the process's shared one
    /// unless told otherwise).
    ///
    /// - Throws: `ModelError` for a directory that is not an embedding model, `TokenizerError`, or
    ///   `OpenVINOError` from reading or compiling the graph.
    public static func load(
        _ directory: ModelDirectory, options: Options = Options(), cache: ModelCache? = nil
    )
        async throws -> Embedder
    {
        guard directory.manifest.task == "embedding", let dimension = directory.manifest.dimension else {
            throw ModelError(
                path: directory.path, message: "is a \(directory.manifest.task) model, not an embedding model")
        }
        let model = try await LoadedModel.load(
            directory, outputs: ["sentence_embedding", "token_embeddings"], options: options,
            cache: try cache ?? ModelCache.shared())
        return Embedder(model: model, options: options, dimension: dimension)
    }

    private init(model: LoadedModel, options: Options, dimension: Int) {
        self.model = model
        self.options = options
        self.maximumLength = model.directory.manifest.max_sequence_length
        self.dimension = dimension
    }

    /// The encoding the model sees for `text`: [CLS] tokens [SEP], truncated to the model's maximum.
    public func encode(_ text: String) -> Encoding {
        tokenizer.encode(text, maxLength: maximumLength)
    }

    /// Sentence embeddings for `encodings`, one row of `dimension` floats each, in the same order.
    ///
    /// - Throws: `OpenVINOError` (with kind `.timedOut` past the timeout), `CancellationError`.
    public func embed(_ encodings: [Encoding]) async throws -> [[Float]] {
        try await embed(encodings, timeout: options.timeout)
    }

    /// `embed(_:)` with a timeout of its own (a check that must not fail only because the run's timeout is short).
    public func embed(_ encodings: [Encoding], timeout: Duration) async throws -> [[Float]] {
        guard !encodings.isEmpty else { return [] }
        let batch = BatchEncoding(
            encodings, padID: tokenizer.paddingID, lengthMultiple: options.lengthMultiple, maximumLength: maximumLength)
        let dimension = self.dimension
        return try await model.run(batch, timeout: timeout) { request in
            let output = try request.output("sentence_embedding")
            guard output.shape == [batch.rows, dimension] else {
                throw ModelError(
                    path: request.model.source,
                    message: "sentence_embedding has shape \(output.shape), expected [\(batch.rows), \(dimension)]")
            }
            return output.withUnsafeMutableBufferPointer(as: Float.self) { values in
                (0..<batch.rows).map { row in Array(values[(row * dimension)..<((row + 1) * dimension)]) }
            }
        }
    }

    /// Sentence embeddings and, from the same inference, each encoding's token states packed in `format`
    /// (without [CLS], [SEP] or padding; nil for `.none`).
    ///
    /// - Throws: `OpenVINOError` (with kind `.timedOut` past the timeout), `CancellationError`, `ModelError`.
    public func embed(_ encodings: [Encoding], tokenStates format: TokenStateFormat) async throws
        -> [(vector: [Float], states: PackedTokenStates?)]
    {
        guard format != .none else { return try await embed(encodings).map { ($0, nil) } }
        guard !encodings.isEmpty else { return [] }
        return try await withBothOutputs(encodings) { vectors, tokens, sequenceLength, width in
            // Packed from the output in place: the tokens' vectors without special tokens or padding.
            zip(vectors, encodings.enumerated()).map { vector, item in
                let (row, encoding) = item
                let offsets = (0..<encoding.count).filter { !encoding.specialTokensMask[$0] }.map {
                    (row * sequenceLength + $0) * width
                }
                let states = PackedTokenStates(
                    format: format, width: width, rows: offsets, in: UnsafeBufferPointer(tokens), unit: false)
                return (vector: vector, states: Optional(states))
            }
        }
    }

    /// Runs `encodings` as one batch and gives `read` both outputs of that inference, their shapes checked: the
    /// sentence embeddings (one row each) and the [rows, sequenceLength, width] token states, in place.
    ///
    /// - Throws: `ModelError` when an output has another shape; `read`'s errors; those of `LoadedModel.run`.
    func withBothOutputs<R: Sendable>(
        _ encodings: [Encoding],
        _ read: ([[Float]], UnsafeMutableBufferPointer<Float>, _ sequenceLength: Int, _ width: Int) throws -> R
    ) async throws -> R {
        let batch = BatchEncoding(
            encodings, padID: tokenizer.paddingID, lengthMultiple: options.lengthMultiple, maximumLength: maximumLength)
        let dimension = self.dimension
        return try await model.run(batch, timeout: options.timeout) { request in
            let pooled = try request.output("sentence_embedding")
            let tokens = try request.output("token_embeddings")
            let shape = tokens.shape
            guard pooled.shape == [batch.rows, dimension], shape.count == 3, shape[0] == batch.rows,
                shape[1] == batch.sequenceLength
            else {
                throw ModelError(
                    path: request.model.source,
                    message: "outputs have shapes \(pooled.shape) and \(shape), expected [\(batch.rows), \(dimension)] "
                        + "and [\(batch.rows), \(batch.sequenceLength), hidden]")
            }
            let vectors = pooled.withUnsafeMutableBufferPointer(as: Float.self) { values in
                (0..<batch.rows).map { row in Array(values[(row * dimension)..<((row + 1) * dimension)]) }
            }
            return try tokens.withUnsafeMutableBufferPointer(as: Float.self) { values in
                try read(vectors, values, batch.sequenceLength, shape[2])
            }
        }
    }

    /// Runs one padded batch on a request of its own (see `LoadedModel.run`).
    func run<R: Sendable>(_ batch: BatchEncoding, timeout: Duration, read: (InferRequest) throws -> R) async throws -> R {
        try await model.run(batch, timeout: timeout, read: read)
    }
}

extension Embedder {
    /// The OpenVINO runtime's version ("2026.4.1-...").
    public static var runtimeVersion: String { Core.runtimeVersion }
}
