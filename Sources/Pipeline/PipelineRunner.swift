public import Embedding
import Foundation
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
    public let chunker: Chunker
    public let model: ModelIdentity
    public let monitor: RunMonitor
    /// Polled between items and batches: true stops intake (graceful shutdown).
    let shouldStopReading: @Sendable () -> Bool
    /// Test seam: called each time the reader suspends because the channel to the validator is full.
    let onReaderSuspended: (@Sendable () -> Void)?
    let faults: FaultPlan
    /// The model weights' fingerprint checked before the run (`ModelDirectory.verifyWeights`), recorded in the
    /// store.
    let verifiedWeights: String?

    public init(
        definition: PipelineDefinition, engine: any EmbeddingEngine, tokenizer: BertTokenizer, maximumLength: Int,
        model: ModelIdentity, monitor: RunMonitor = RunMonitor(),
        shouldStopReading: @escaping @Sendable () -> Bool = { false },
        onReaderSuspended: (@Sendable () -> Void)? = nil, faults: FaultPlan = .none, verifiedWeights: String? = nil
    ) {
        self.onReaderSuspended = onReaderSuspended
        self.definition = definition
        self.engine = engine
        let chunkTokens = definition.chunkTokens ?? max(8, maximumLength - 2)
        self.chunker = Chunker(
            tokenizer: tokenizer, maxTokens: chunkTokens, overlap: min(definition.overlapTokens, chunkTokens - 1))
        self.maximumLength = maximumLength
        self.model = model
        self.monitor = monitor
        self.shouldStopReading = shouldStopReading
        self.faults = faults
        self.verifiedWeights = verifiedWeights
    }

    /// The model's maximum sequence length, special tokens included.
    let maximumLength: Int

    /// Where a store keeps the fingerprint of the weights last verified for it.
    public static let verifiedWeightsKey = "verified_weights"

    /// The weights verdict a store at `path` keeps (see `ModelDirectory.verifyWeights(cached:)`), if the store
    /// exists and has one: a nightly run then does not hash the weights again.
    public static func cachedWeightsFingerprint(store path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path), let store = try? Store(path: path, mode: .readOnly)
        else { return nil }
        return try? store.info(verifiedWeightsKey)
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
        if chunker.maxTokens + 2 > maximumLength {
            throw DefinitionError(
                file: "definition", field: "chunking.max_tokens",
                message: "is \(chunker.maxTokens), but the model takes at most \(maximumLength - 2) word pieces "
                    + "per chunk (\(maximumLength) tokens with [CLS] and [SEP])")
        }
        let reader = CorpusReader(
            sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes, shard: definition.shard,
            store: definition.store, faults: faults)
        try reader.checkSources()
        let writer = try WritingStage.open(
            definition: definition, model: model, chunker: chunker, verifiedWeights: verifiedWeights,
            monitor: monitor, faults: faults)
        // Shards split the bytes about evenly: the estimate keeps the ETA meaningful.
        let total = reader.totalBytes() / (definition.shard?.count ?? 1)
        monitor.update { $0.totalBytes = total }

        let items = BoundedChannel<ReadItem>(capacity: definition.documentQueue, onSenderSuspended: onReaderSuspended)
        let documents = BoundedChannel<SourceDocument>(capacity: definition.documentQueue)
        let chunks = BoundedChannel<ChunkJob>(capacity: definition.chunkQueue)
        let results = BoundedChannel<WriterMessage>(capacity: definition.resultQueue)
        let validator = Validator(definition)
        let stop = shouldStopReading
        let stages: [@Sendable () async throws -> Void] = [
            { try await ReadingStage(reader: reader, shouldStop: stop).run(to: items, results: results) },
            {
                try await ValidatingStage(validator: validator, definition: self.definition, monitor: self.monitor, shouldStop: stop)
                    .run(from: items, to: documents, results: results)
            },
            {
                try await ChunkingStage(chunker: self.chunker, validator: validator, monitor: self.monitor, shouldStop: stop)
                    .run(from: documents, to: chunks, results: results)
            },
            {
                try await EmbeddingStage(
                    engine: self.engine, definition: self.definition, monitor: self.monitor, faults: self.faults,
                    shouldStop: stop
                ).run(from: chunks, results: results)
            },
        ]
        // The writer commits on this clock too, so that documents already whole are committed while every
        // other stage waits (a read blocked on a hung mount).
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(Int64(max(0.05, definition.commitSeconds) * 1000)))
                try await results.send(.tick)
            }
        }
        defer { ticker.cancel() }
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for stage in stages {
                    group.addTask {
                        do {
                            try await stage()
                        } catch {
                            // A failing stage ends the writer's input with its error: the run stops, not waits.
                            results.finish(throwing: error)
                            for channel in [items.close, documents.close, chunks.close] { channel() }
                            throw error
                        }
                    }
                }
                // The writer runs in this task: it owns the store connection.
                do {
                    try await writer.consume(results)
                } catch {
                    results.close()
                    for channel in [items.close, documents.close, chunks.close] { channel() }
                    throw error
                }
                try await group.waitForAll()
            }
        } catch {
            failure = error
        }
        ticker.cancel()
        return try writer.finish(failure: failure, shouldStop: stop, elapsed: { (clock.now - started).seconds })
    }
}
