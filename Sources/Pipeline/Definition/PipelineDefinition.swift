public import Embedding
import Host

/// What `ovindex run` does: where documents come from, how they are cut, embedded and stored.
///
/// Read from a JSON file (`pipelines/*.json`, paths relative to the file) or built from command-line flags;
/// flags override the file. Every field has a default except `store` and `sources`. An unknown or invalid
/// field is an error that names it. The fields' keys, flags, ranges and documentation are one table
/// (`PipelineDefinition.sections`), which the JSON reader and writer, `ovindex run`'s flags and the
/// reference read.
public struct PipelineDefinition: Sendable, Equatable {
    public enum PerformanceHint: String, Sendable, CaseIterable {
        case throughput, latency
    }

    public struct Source: Sendable, Equatable {
        public enum Format: String, Sendable, CaseIterable {
            /// A directory of text files (or a single .txt/.md file).
            case files
            /// A JSON Lines file of records.
            case jsonl
        }

        public var path: String
        public var format: Format
        /// For directories: files to take (default `**/*.txt`, `**/*.md`) and to leave out.
        public var include: [Glob]
        public var exclude: [Glob]
        /// Put before every document key from this source (to keep keys of two sources apart).
        public var keyPrefix: String
        /// For JSON Lines: the fields holding the id, the text, and the metadata (`["*"]`: every other field).
        public var idField: String
        public var textField: String
        public var metadataFields: [String]
        /// Follow symbolic links that lead out of the source folder (links inside it are always followed).
        public var followSymlinks: Bool

        public init(path: String, format: Format? = nil) {
            self.path = path
            self.format = format ?? (path.hasSuffix(".jsonl") ? .jsonl : .files)
            include = [Glob("**/*.txt"), Glob("**/*.md")]
            exclude = []
            keyPrefix = ""
            idField = "id"
            textField = "text"
            metadataFields = ["*"]
            followSymlinks = false
        }
    }

    public var store: String
    public var sources: [Source]
    /// Model directory, or a model name under data/models.
    public var model: String?
    public var precision: InferencePrecision = .auto
    /// Tokens per chunk, without [CLS]/[SEP]; nil: the model's maximum minus 2.
    public var chunkTokens: Int?
    /// How each chunk's token states are kept for late-interaction reranking (`token_states`). Binary by
    /// default: 50 MB per million tokens against int8's 388 MB, for 0.3 to 0.4 points of MRR@10 on the
    /// evaluation sets (docs/querying.md, "Query quality").
    public var tokenStates: TokenStateFormat = .binary
    /// Whether each chunk carries its document's title into what is embedded and searched (`chunking.title`).
    public var chunkTitles = true
    /// Which documents are cut and labelled by their Markdown headings (`chunking.structure`); nil: what the
    /// store recorded, else `auto` (a store built before sections records `none`, so it is cut as it was).
    public var chunkStructure: ChunkStructure?
    public var overlapTokens: Int = 32
    public var maxDocumentBytes: Int = 10_000_000
    public var maxChunksPerDocument: Int = 2_000
    /// Token budget of one inference batch, padding included.
    public var batchTokens: Int = InferenceLimits.defaultBatchTokens
    public var batchRows: Int = InferenceLimits.defaultBatchRows
    /// Group chunks of similar length into a batch (less padding); false batches them in arrival order.
    public var groupByLength: Bool = true
    public var inferRequests: Int = InferenceLimits.defaultRequests
    public var threads: Int?
    /// OpenVINO's performance hint: throughput (one stream per infer request, for batch indexing) or latency
    /// (every core on one request at a time).
    public var performanceHint: PerformanceHint = .throughput
    /// Capacities of the bounded channels between stages (documents, chunks, results).
    public var documentQueue: Int = 8
    public var chunkQueue: Int = 1_024
    public var resultQueue: Int = 64
    public var inferenceTimeoutSeconds: Double = InferenceLimits.defaultTimeout.seconds
    /// Commit a batch of finished documents when this many are ready, or after this many seconds.
    public var commitDocuments: Int = 64
    public var commitSeconds: Double = 2
    public var prune: Bool = false
    /// The largest share of a source's stored documents one run may prune without `forcePrune`.
    public var pruneMaxFraction: Double = 0.5
    /// Prune even when more than `pruneMaxFraction` of a source's documents are gone (`--force-prune`).
    public var forcePrune: Bool = false
    /// How many shards the corpus is split into when a scheduler gives only the index (`JOB_COMPLETION_INDEX`).
    public var shards: Int?
    /// This worker's shard (from --shard, or the scheduler's environment); nil indexes every document.
    public var shard: Shard?
    /// Label each new or changed document into its metadata as the run stores it (`"classify"`).
    public var classification: Classification?

    /// `"classify": {"field", "labels", "examples", "threshold"}`: the metadata field a document's label goes to
    /// (its score to `FIELD_score`), the label file and the example file (paths relative to the definition), and
    /// a fixed threshold (else calibrated on the examples).
    public struct Classification: Sendable, Equatable {
        public var field: String
        public var labels: String
        public var examples: String?
        public var threshold: Double?

        public init(field: String, labels: String, examples: String? = nil, threshold: Double? = nil) {
            self.field = field
            self.labels = labels
            self.examples = examples
            self.threshold = threshold
        }
    }

    public init(store: String, sources: [Source]) {
        self.store = store
        self.sources = sources
    }

    /// Every field at its default (no store, no sources): what help shows as the defaults.
    public static let defaults = PipelineDefinition(store: "", sources: [])

    /// The most documents that can be read but not yet committed, whatever the corpus size: each one is in the
    /// document channel, the reader's blocked send, the chunker, or has a chunk in the chunk channel, the
    /// embedder's batching window, a batch in flight or the result channel.
    public var documentsInFlightBound: Int {
        let window = max(batchRows, chunkQueue)
        return documentQueue + 1 + 1 + chunkQueue + window + inferRequests * batchRows + resultQueue * batchRows
    }

    /// The result channel's capacity: `concurrency.result_queue`, lowered so that the token states its full
    /// batches can hold stay under 256 MB (int8 states take about 100 KB a chunk: 64 full batches would hold
    /// 1.6 GB, more than a 1.5 GB container).
    public func resultCapacity(chunkTokens: Int, width: Int) -> Int {
        guard tokenStates != .none else { return resultQueue }
        let batchBytes = max(1, batchRows * (chunkTokens + 2) * tokenStates.rowBytes(width: width))
        return max(2, min(resultQueue, (256 << 20) / batchBytes))
    }

    /// The chunk size (word pieces, without [CLS]/[SEP]) and overlap a run uses with a model that takes
    /// `maximumLength` tokens: `chunking.max_tokens`, or the model's maximum less its two special tokens.
    ///
    /// - Throws: `DefinitionError` when the chunks would be longer than the model takes (positions past its
    ///   maximum embed as garbage, without an error), or the overlap is not smaller than the chunks.
    public func chunkSettings(maximumLength: Int) throws(DefinitionError) -> (maxTokens: Int, overlap: Int) {
        let largest = maximumLength - 2
        let maxTokens = chunkTokens ?? max(8, largest)
        if maxTokens > largest {
            throw DefinitionError(
                file: "definition", field: "chunking.max_tokens",
                message: "is \(maxTokens), but the model takes at most \(largest) word pieces per chunk "
                    + "(\(maximumLength) tokens with [CLS] and [SEP])")
        }
        if overlapTokens >= maxTokens {
            throw DefinitionError(
                file: "definition", field: "chunking.overlap_tokens",
                message: "must be smaller than the chunks (\(overlapTokens) >= \(maxTokens))")
        }
        return (maxTokens, overlapTokens)
    }

    /// Checks the fields against each other (after overrides too).
    public func validate(file: String = "command line") throws(DefinitionError) {
        if let chunkTokens, overlapTokens >= chunkTokens {
            throw DefinitionError(
                file: file, field: "chunking.overlap_tokens",
                message: "must be smaller than chunking.max_tokens (\(overlapTokens) >= \(chunkTokens))")
        }
        if store.isEmpty { throw DefinitionError(file: file, field: "store", message: "is empty") }
    }
}
