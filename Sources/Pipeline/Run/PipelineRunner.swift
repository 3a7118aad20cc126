import Embedding
import Host
public import Store
public import Tokenizer

/// The indexing pipeline, wired: five stages joined by bounded channels, each a task, a full channel suspending
/// the stage that feeds it, so memory is bounded by the channel capacities whatever the corpus size.
///
///     ReadingStage ─items─▶ ValidatingStage ─documents─▶ ChunkingStage ─chunks─▶ EmbeddingStage
///          └──────────────────────┴───────── results (WriterMessage) ──────────────┴──▶ WritingStage
///
/// A run ends `completed` only when every document it met is stored, unchanged, or rejected for a fault of its
/// own; how each fault ends it is the stages' business (see `WritingStage.finish`). A stop
/// (`shouldStopReading`) ends it `interrupted` after committing the documents already whole.
public final class PipelineRunner: Sendable {
    public let definition: PipelineDefinition
    public let engine: any EmbeddingEngine
    public let tokenizer: BertTokenizer
    /// The model's maximum sequence length, special tokens included.
    public let maximumLength: Int
    public let model: ModelIdentity
    public let monitor: RunMonitor
    /// Polled between items and batches: true stops intake (graceful shutdown).
    let shouldStopReading: @Sendable () -> Bool
    /// Test seam: called each time the reader suspends because the channel to the validator is full.
    let onReaderSuspended: (@Sendable () -> Void)?
    let faults: FaultPlan
    /// The model weights' fingerprint checked before the run (`RunPreparation`), recorded in the store.
    let verifiedWeights: String?
    /// Labels each stored document (the definition's `classify`), and relabels the store when its labels changed.
    let labeller: DocumentLabeller?

    public init(
        definition: PipelineDefinition, engine: any EmbeddingEngine, tokenizer: BertTokenizer, maximumLength: Int,
        model: ModelIdentity, monitor: RunMonitor = RunMonitor(),
        shouldStopReading: @escaping @Sendable () -> Bool = { false },
        onReaderSuspended: (@Sendable () -> Void)? = nil, faults: FaultPlan = .none, verifiedWeights: String? = nil,
        labeller: DocumentLabeller? = nil
    ) {
        self.definition = definition
        self.engine = engine
        self.tokenizer = tokenizer
        self.maximumLength = maximumLength
        self.model = model
        self.monitor = monitor
        self.shouldStopReading = shouldStopReading
        self.onReaderSuspended = onReaderSuspended
        self.faults = faults
        self.verifiedWeights = verifiedWeights
        self.labeller = labeller
    }

    /// Runs the pipeline to the end of its sources (or until told to stop) and reports.
    ///
    /// - Throws: before anything is written: `DefinitionError` (chunks longer than the model takes),
    ///   `SourceError` (a missing or unreadable source), `RunLockError`, `StoreError` (a corrupt store, a model
    ///   or chunking mismatch). After the run began: `RunFailure`, with the report of what was done and the
    ///   error that failed the run (recorded in the store when it could be).
    public func run() async throws -> RunReport {
        let clock = ContinuousClock()
        let started = clock.now
        let settings = try definition.chunkSettings(maximumLength: maximumLength)
        let chunker = Chunker(tokenizer: tokenizer, maxTokens: settings.maxTokens, overlap: settings.overlap)
        let stop = shouldStopReading
        let reader = CorpusReader(
            sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes, shard: definition.shard,
            store: definition.store, faults: faults)
        try reader.checkSources()
        let writer = try WritingStage.open(
            definition: definition, model: model, chunker: chunker, verifiedWeights: verifiedWeights,
            labeller: labeller, monitor: monitor, faults: faults)
        // Shards split the bytes about evenly: the estimate keeps the ETA meaningful.
        let total = reader.totalBytes(shouldStop: stop) / (definition.shard?.count ?? 1)
        monitor.update { $0.totalBytes = total }

        let items = BoundedChannel<ReadItem>(capacity: definition.documentQueue, onSenderSuspended: onReaderSuspended)
        let documents = BoundedChannel<SourceDocument>(capacity: definition.documentQueue)
        let chunks = BoundedChannel<ChunkJob>(capacity: definition.chunkQueue)
        // Every stage writes to `results`; the embedding stage finishes it, being the last of the chain to end
        // (it ends when the chunks end, which end when the documents end, which end when the items end).
        let results = BoundedChannel<WriterMessage>(
            capacity: definition.resultCapacity(chunkTokens: settings.maxTokens, width: engine.dimension))
        let closeAll: @Sendable () -> Void = {
            for close in [items.close, documents.close, chunks.close] { close() }
        }
        // A failing stage ends the writer's input with its error: the run stops, it does not wait.
        let guarded: @Sendable (@Sendable () async throws -> Void) async throws -> Void = { stage in
            do {
                try await stage()
            } catch {
                results.finish(throwing: error)
                closeAll()
                throw error
            }
        }
        let validator = Validator(definition)
        let validating = ValidatingStage(
            validator: validator, definition: definition, monitor: monitor, shouldStop: stop,
            recheckRejected: writer.recheckRejected)
        let chunking = ChunkingStage(
            chunker: chunker, validator: validator, monitor: monitor, titles: definition.chunkTitles,
            structure: writer.structure, shouldStop: stop)
        let embedding = EmbeddingStage(
            engine: engine, definition: definition, monitor: monitor, faults: faults, shouldStop: stop)
        // The reader is not awaited when another stage fails: a read blocked on a hung mount cannot be
        // interrupted, and the run must still end and say why.
        let reading = Task {
            try await guarded { try await ReadingStage(reader: reader, monitor: self.monitor, shouldStop: stop).run(to: items, results: results) }
        }
        // The writer also commits on a clock, so that documents already whole are committed while the other
        // stages wait (a blocked read).
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(Int64(max(0.05, definition.commitSeconds) * 1000)))
                try await results.send(.tick)
            }
        }
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await guarded { try await validating.run(from: items, to: documents, results: results) } }
                group.addTask { try await guarded { try await chunking.run(from: documents, to: chunks, results: results) } }
                group.addTask { try await guarded { try await embedding.run(from: chunks, results: results) } }
                // The writer runs in this task: it owns the store connection.
                do {
                    try await writer.consume(results)
                } catch {
                    results.close()
                    closeAll()
                    throw error
                }
                try await group.waitForAll()
            }
            try await reading.value
        } catch {
            failure = error
        }
        ticker.cancel()
        return try writer.finish(failure: failure, shouldStop: stop, elapsed: { (clock.now - started).seconds })
    }
}
