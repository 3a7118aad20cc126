import Dispatch
public import Embedding
import Foundation
public import Store
import TextIO
public import Tokenizer

/// What embeds chunks: the real `Embedder`, or a stand-in in tests.
public protocol EmbeddingEngine: Sendable {
    var dimension: Int { get }
    /// Batches are padded to a multiple of this length (see `Embedder.Options.lengthMultiple`).
    var lengthMultiple: Int { get }
    func embed(_ encodings: [Encoding]) async throws -> [[Float]]
}

extension Embedder: EmbeddingEngine {
    public var lengthMultiple: Int { options.lengthMultiple }
}

/// How a run ended, with its counts (the `--json` report).
public struct RunReport: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case completed, interrupted, failed
    }

    public var runID: Int64
    public var outcome: Outcome
    public var counters: RunCounters
    public var rejects: Int
    public var chunksEmbedded: Int
    public var seconds: Double
    public var peakRSSBytes: Int
    public var error: String?
}

/// The indexing pipeline: reader → chunker → embedder → store writer, joined by bounded channels.
///
/// Each stage is a task; a full channel suspends the stage feeding it, so memory is bounded by the channel
/// capacities whatever the corpus size. Documents whose content hash the store already has are skipped before
/// chunking. A document's chunks, vectors and the run's progress are committed together; a killed run leaves
/// only whole documents behind, and running again resumes (committed documents are unchanged, so skipped).
public final class PipelineRunner: Sendable {
    public let definition: PipelineDefinition
    public let engine: any EmbeddingEngine
    public let chunker: Chunker
    public let model: ModelIdentity
    public let monitor: RunMonitor
    /// Polled between documents: true stops reading (graceful shutdown).
    let shouldStopReading: @Sendable () -> Bool
    /// Test seam: called each time the reader suspends because the document channel is full.
    let onReaderSuspended: (@Sendable () -> Void)?

    public init(
        definition: PipelineDefinition, engine: any EmbeddingEngine, tokenizer: BertTokenizer, maximumLength: Int,
        model: ModelIdentity, monitor: RunMonitor = RunMonitor(),
        shouldStopReading: @escaping @Sendable () -> Bool = { false },
        onReaderSuspended: (@Sendable () -> Void)? = nil
    ) {
        self.onReaderSuspended = onReaderSuspended
        self.definition = definition
        self.engine = engine
        let chunkTokens = definition.chunkTokens ?? max(8, maximumLength - 2)
        self.chunker = Chunker(
            tokenizer: tokenizer, maxTokens: chunkTokens, overlap: min(definition.overlapTokens, chunkTokens - 1))
        self.model = model
        self.monitor = monitor
        self.shouldStopReading = shouldStopReading
    }

    /// Runs the pipeline to the end of its sources (or until told to stop) and reports.
    ///
    /// - Throws: `StoreError` (including a model or chunking mismatch), `RunLockError`; a failure inside a
    ///   stage ends the run as failed, recorded in the store, and is rethrown.
    public func run() async throws -> RunReport {
        let clock = ContinuousClock()
        let started = clock.now
        let lock = try RunLock(store: definition.store)
        defer { withExtendedLifetime(lock) {} }
        let store = try Store(path: definition.store)
        try store.bind(to: model)
        try store.bind(setting: "chunk_tokens", to: String(chunker.maxTokens), meaning: "chunks of at most")
        try store.bind(setting: "overlap_tokens", to: String(chunker.overlap), meaning: "a chunk overlap of")
        if let shard = definition.shard {
            // A shard's store holds that shard only: another shard's run would prune it away.
            try store.bind(setting: "shard", to: "\(shard.index)/\(shard.count)", meaning: "shard")
        }
        try store.interruptStaleRuns()
        let runID = try store.beginRun(settings: definition.json)
        let reader = CorpusReader(
            sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes, shard: definition.shard)
        // Shards split the bytes about evenly: the estimate keeps the ETA meaningful.
        let total = reader.totalBytes() / (definition.shard?.count ?? 1)
        monitor.update { $0.totalBytes = total }

        let documents = BoundedChannel<SourceDocument>(
            capacity: definition.documentQueue, onSenderSuspended: onReaderSuspended)
        let chunks = BoundedChannel<ChunkJob>(capacity: definition.chunkQueue)
        let results = BoundedChannel<WriterMessage>(capacity: definition.resultQueue)
        let writer = StoreWriter(store: store, runID: runID, definition: definition, monitor: monitor)

        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A failing stage ends the writer's input with its error, so the run stops instead of waiting.
                let stages: [@Sendable () async throws -> Void] = [
                    { try await self.readStage(reader, to: documents, results: results) },
                    { try await self.chunkStage(from: documents, to: chunks, results: results) },
                    { try await self.embedStage(from: chunks, results: results) },
                ]
                for stage in stages {
                    group.addTask {
                        do {
                            try await stage()
                        } catch {
                            results.finish(throwing: error)
                            documents.close()
                            chunks.close()
                            throw error
                        }
                    }
                }
                // The writer runs in this task: it owns the store connection.
                do {
                    try await writer.consume(results)
                } catch {
                    results.close()
                    documents.close()
                    chunks.close()
                    throw error
                }
                try await group.waitForAll()
            }
        } catch {
            failure = error
        }

        let interrupted = failure is CancellationError || failure is ChannelClosedError || writer.readingStopped
        let outcome: RunReport.Outcome =
            failure == nil
            ? (interrupted ? .interrupted : .completed)
            : (interrupted ? .interrupted : .failed)
        if outcome == .completed && definition.prune {
            try writer.prune()
        }
        try? writer.commit(force: true)
        let message = failure.map { "\($0)" }
        try? store.finishRun(
            runID, status: RunRecord.Status(rawValue: outcome.rawValue) ?? .failed,
            error: outcome == .completed ? nil : message ?? "stopped by a signal")
        let report = RunReport(
            runID: runID, outcome: outcome, counters: writer.counters, rejects: writer.rejectCount,
            chunksEmbedded: monitor.snapshot.chunksEmbedded, seconds: (clock.now - started).seconds,
            peakRSSBytes: ProcessMemory.peakResidentBytes() ?? 0, error: outcome == .failed ? message : nil)
        if let failure, outcome == .failed { throw RunFailure(report: report, underlying: failure) }
        return report
    }

    // MARK: - Stages

    private func readStage(
        _ reader: CorpusReader, to documents: BoundedChannel<SourceDocument>, results: BoundedChannel<WriterMessage>
    ) async throws {
        // Its own read-only connection: the writer's transactions do not block these lookups (WAL).
        let lookup = try Store(path: definition.store, mode: .readOnly)
        let stop = shouldStopReading
        var stopped = false
        try await reader.read(shouldStop: { stop() }) { item in
            switch item {
            case .document(let document):
                monitor.update { $0.bytesRead += document.byteSize }
                if try lookup.contentHashes(forKeys: [document.key])[document.key] == document.contentHash {
                    try await results.send(.unchanged(document.key))
                } else {
                    monitor.documentEntered()
                    try await documents.send(document)
                }
            case .rejected(let reject):
                if let document = reject.document {
                    monitor.update { $0.bytesRead += document.byteSize }
                    if try lookup.contentHashes(forKeys: [document.key])[document.key] == document.contentHash {
                        try await results.send(.unchanged(document.key))
                        return
                    }
                }
                try await results.send(.rejected(reject))
            }
        }
        stopped = stop()
        try await results.send(.readingFinished(complete: !stopped))
        documents.finish()
    }

    private func chunkStage(
        from documents: BoundedChannel<SourceDocument>, to chunks: BoundedChannel<ChunkJob>,
        results: BoundedChannel<WriterMessage>
    ) async throws {
        var sequence: UInt64 = 0
        for try await document in documents {
            let clock = ContinuousClock()
            let started = clock.now
            let plans = chunker.chunks(of: document.text)
            let encodings = plans.map { chunker.tokenizer.encoding(wrapping: $0.tokenIDs[...]) }
            let busy = (clock.now - started).seconds
            monitor.update { $0.chunkerSeconds += busy }
            let reject: RejectInput? =
                if plans.isEmpty {
                    RejectInput(
                        input: document.input, reason: "empty document", detail: "no text left after normalization",
                        document: .init(document))
                } else if plans.count > definition.maxChunksPerDocument {
                    RejectInput(
                        input: document.input, reason: "too many chunks", limit: "\(definition.maxChunksPerDocument)",
                        detail: "\(plans.count) chunks", document: .init(document))
                } else {
                    nil
                }
            if let reject {
                monitor.documentsLeft(1)
                try await results.send(.rejected(reject))
                continue
            }
            sequence += 1
            try await results.send(.planned(DocumentPlan(sequence: sequence, document: document, chunks: plans)))
            for (plan, encoding) in zip(plans, encodings) {
                try await chunks.send(ChunkJob(document: sequence, ordinal: plan.ordinal, encoding: encoding))
            }
        }
        chunks.finish()
    }

    private func embedStage(
        from chunks: BoundedChannel<ChunkJob>, results: BoundedChannel<WriterMessage>
    )
        async throws
    {
        let batcher = TokenBatcher(
            budget: definition.batchTokens, maximumRows: definition.batchRows, lengthMultiple: engine.lengthMultiple)
        let window = max(definition.batchRows, definition.chunkQueue)
        let engine = self.engine
        let monitor = self.monitor
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            var shapes = Set<Int>()
            while let first = try await chunks.receive() {
                var pool = [first]
                while pool.count < window, let more = chunks.tryReceive() { pool.append(more) }
                let lengths = pool.map(\.encoding.count)
                let batches =
                    definition.groupByLength
                    ? batcher.batches(lengths: lengths)
                    : stride(from: 0, to: pool.count, by: definition.batchRows).map {
                        Array($0..<min($0 + definition.batchRows, pool.count))
                    }
                for indices in batches {
                    if running >= definition.inferRequests {
                        try await group.next()
                        running -= 1
                    }
                    let batch = indices.map { pool[$0] }
                    let longest = batch.map(\.encoding.count).max() ?? 0
                    let padded = (longest + engine.lengthMultiple - 1) / engine.lengthMultiple * engine.lengthMultiple
                    let computed = batch.count * padded
                    if shapes.insert(batch.count << 16 | padded).inserted {
                        monitor.update { $0.distinctBatchShapes += 1 }
                    }
                    group.addTask {
                        let outcome = try await Self.embed(batch, engine: engine, retry: true)
                        monitor.update { snapshot in
                            snapshot.tokensComputed += computed
                            for (job, result) in outcome {
                                if case .success = result {
                                    snapshot.chunksEmbedded += 1
                                    snapshot.tokensEmbedded += job.encoding.count
                                }
                            }
                        }
                        try await results.send(.embedded(outcome.map { EmbeddedChunk(job: $0.0, result: $0.1) }))
                    }
                    running += 1
                }
            }
            try await group.waitForAll()
        }
        results.finish()
    }

    /// Embeds a batch; a failed batch is tried again once, then split in halves until the failing chunks are
    /// isolated. Cancellation is never retried.
    static func embed(
        _ batch: [ChunkJob], engine: any EmbeddingEngine, retry: Bool
    ) async throws
        -> [(ChunkJob, Result<[Float], EmbeddingFailure>)]
    {
        do {
            let vectors = try await engine.embed(batch.map(\.encoding))
            guard vectors.count == batch.count else {
                throw EmbeddingFailure(message: "the model returned \(vectors.count) vectors for \(batch.count) chunks")
            }
            return zip(batch, vectors).map { ($0, .success($1)) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if retry { return try await embed(batch, engine: engine, retry: false) }
            if batch.count == 1 {
                return [(batch[0], .failure(EmbeddingFailure(message: "\(error)")))]
            }
            let middle = batch.count / 2
            return try await embed(Array(batch[..<middle]), engine: engine, retry: false)
                + embed(Array(batch[middle...]), engine: engine, retry: false)
        }
    }
}

/// A run that failed, with what it had done when it failed.
public struct RunFailure: Error, CustomStringConvertible {
    public var report: RunReport
    public var underlying: any Error
    public var description: String { "\(underlying)" }
}

struct EmbeddingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct ChunkJob: Sendable {
    var document: UInt64
    var ordinal: Int
    var encoding: Encoding
}

struct DocumentPlan: Sendable {
    var sequence: UInt64
    var document: SourceDocument
    var chunks: [ChunkPlan]
}

struct EmbeddedChunk: Sendable {
    var job: ChunkJob
    var result: Result<[Float], EmbeddingFailure>
}

enum WriterMessage: Sendable {
    case unchanged(String)
    case rejected(RejectInput)
    case planned(DocumentPlan)
    case embedded([EmbeddedChunk])
    case readingFinished(complete: Bool)
}

extension RejectInput.Document {
    init(_ document: SourceDocument) {
        self.init(
            key: document.key, source: document.source, contentHash: document.contentHash, byteSize: document.byteSize)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
