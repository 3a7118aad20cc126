import Dispatch
public import Embedding
import Foundation
import OpenVINO
public import Store
import TextIO
public import Tokenizer
import Host

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
    /// What the run wants its user to know although it is not an error (sources kept from pruning, ...).
    public var notes: [String] = []
}

/// The indexing pipeline: reader → chunker → embedder → store writer, joined by bounded channels.
///
/// Each stage is a task; a full channel suspends the stage feeding it, so memory is bounded by the channel
/// capacities whatever the corpus size. Documents whose content hash the store already has are skipped before
/// chunking. A document's chunks, vectors and the run's progress are committed together; a killed run leaves
/// only whole documents behind, and running again resumes (committed documents are unchanged, so skipped).
///
/// A run ends `completed` only when every document it met is stored, unchanged, or rejected for a fault of its
/// own. Everything else ends it `failed` with an error: documents that could not be read or embedded (recorded
/// as failures; the next run retries them), too many failing inference batches, a commit, prune or finish that
/// fails. A stop (`shouldStopReading`) ends it `interrupted` after committing the documents already whole.
public final class PipelineRunner: Sendable {
    public let definition: PipelineDefinition
    public let engine: any EmbeddingEngine
    public let chunker: Chunker
    public let model: ModelIdentity
    public let monitor: RunMonitor
    /// Polled between documents and batches: true stops intake (graceful shutdown).
    let shouldStopReading: @Sendable () -> Bool
    /// Test seam: called each time the reader suspends because the document channel is full.
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
        self.model = model
        self.monitor = monitor
        self.shouldStopReading = shouldStopReading
        self.faults = faults
        self.verifiedWeights = verifiedWeights
    }

    /// Where a store keeps the fingerprint of the weights last verified for it.
    public static let verifiedWeightsKey = "verified_weights"

    /// The weights verdict a store at `path` keeps (see `ModelDirectory.verifyWeights(cached:)`), if the store
    /// exists and has one: a nightly run then does not hash the weights again.
    public static func cachedWeightsFingerprint(store path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path),
            let store = try? Store(path: path, mode: .readOnly)
        else { return nil }
        return try? store.info(verifiedWeightsKey)
    }

    /// Runs the pipeline to the end of its sources (or until told to stop) and reports.
    ///
    /// - Throws: before anything is written: `SourceError` (a missing or unreadable source), `RunLockError`,
    ///   `StoreError` (a corrupt store, a model or chunking mismatch). After the run began: `RunFailure`, with the
    ///   report of what was done and the error that failed the run (recorded in the store when it could be).
    public func run() async throws -> RunReport {
        let clock = ContinuousClock()
        let started = clock.now
        let reader = CorpusReader(
            sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes, shard: definition.shard,
            store: definition.store, faults: faults)
        try reader.checkSources()
        let lock = try RunLock(store: definition.store)
        defer { withExtendedLifetime(lock) {} }
        let store = try Store(path: definition.store)
        try store.requireIntact()
        try store.bind(to: model)
        try store.bind(setting: "chunk_tokens", to: String(chunker.maxTokens), meaning: "chunks of at most")
        try store.bind(setting: "overlap_tokens", to: String(chunker.overlap), meaning: "a chunk overlap of")
        if let shard = definition.shard {
            // A shard's store holds that shard only: another shard's run would prune it away.
            try store.bind(setting: "shard", to: "\(shard.index)/\(shard.count)", meaning: "shard")
        }
        if let verifiedWeights { try store.setInfo(Self.verifiedWeightsKey, to: verifiedWeights) }
        try store.interruptStaleRuns()
        let runID = try store.beginRun(settings: definition.json)
        // Shards split the bytes about evenly: the estimate keeps the ETA meaningful.
        let total = reader.totalBytes() / (definition.shard?.count ?? 1)
        monitor.update { $0.totalBytes = total }

        let documents = BoundedChannel<SourceDocument>(
            capacity: definition.documentQueue, onSenderSuspended: onReaderSuspended)
        let chunks = BoundedChannel<ChunkJob>(capacity: definition.chunkQueue)
        let results = BoundedChannel<WriterMessage>(capacity: definition.resultQueue)
        let writer = StoreWriter(store: store, runID: runID, definition: definition, monitor: monitor, faults: faults)

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
        return try finish(
            runID: runID, store: store, writer: writer, failure: failure, elapsed: { (clock.now - started).seconds })
    }

    /// Commits what is whole, prunes, and records how the run ended; every failure on the way is the run's.
    private func finish(
        runID: Int64, store: Store, writer: StoreWriter, failure: (any Error)?, elapsed: () -> Double
    ) throws -> RunReport {
        var failure = failure
        let stopped = shouldStopReading()
        do {
            try writer.commit(force: true, final: true)
        } catch {
            failure = failure ?? error
        }
        var notes: [String] = []
        if failure == nil && !stopped && writer.readingComplete {
            do {
                if definition.prune { notes = try writer.prune() }
                try store.replaceEarlierRejects(before: runID)
            } catch let refused as PruneRefused {
                notes = refused.notes
                failure = refused
            } catch {
                failure = error
            }
        }
        if failure == nil && !stopped && (!writer.readingComplete || writer.unfinishedDocuments > 0) {
            failure = RunInvariantError(
                message: "the run ended with \(writer.unfinishedDocuments) documents read but not finished "
                    + "(reading complete: \(writer.readingComplete)); they were not stored and the next run redoes them")
        }
        if failure == nil, let first = writer.firstFailure {
            failure = DocumentFailures(
                count: writer.counters.documentsFailed, first: first, onlyIO: writer.onlyIOFailures)
        }
        let interrupted = stopped && (failure == nil || failure is CancellationError || failure is ChannelClosedError)
        var outcome: RunReport.Outcome = interrupted ? .interrupted : (failure == nil ? .completed : .failed)
        let message: String? =
            switch outcome {
            case .completed: nil
            case .interrupted: "stopped by a signal"
            case .failed: failure.map { "\($0)" }
            }
        do {
            if faults.finish { throw InjectedFault(point: "recording the end of the run", store: store.path) }
            try store.finishRun(
                runID, status: RunRecord.Status(rawValue: outcome.rawValue) ?? .failed, error: message)
        } catch {
            failure = failure ?? error
            outcome = .failed
        }
        let report = RunReport(
            runID: runID, outcome: outcome, counters: writer.counters, rejects: writer.rejectCount,
            chunksEmbedded: monitor.snapshot.chunksEmbedded, seconds: elapsed(),
            peakRSSBytes: ProcessMemory.peakResidentBytes() ?? 0,
            error: outcome == .failed ? failure.map { "\($0)" } : nil, notes: notes)
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
            case .failed(let failure):
                try await results.send(.failed(failure))
            case .sourceFinished(let report):
                try await results.send(.sourceFinished(report))
            }
        }
        try await results.send(.readingFinished(complete: !stop()))
        documents.finish()
    }

    private func chunkStage(
        from documents: BoundedChannel<SourceDocument>, to chunks: BoundedChannel<ChunkJob>,
        results: BoundedChannel<WriterMessage>
    ) async throws {
        var sequence: UInt64 = 0
        for try await document in documents {
            // After a stop, documents still arriving are dropped: the next run reads them again.
            if shouldStopReading() {
                monitor.documentsLeft(1)
                continue
            }
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
        let timeout = definition.inferenceTimeoutSeconds
        let faults = self.faults
        var breaker = FailureBreaker(timeoutSeconds: timeout)
        try await withThrowingTaskGroup(of: BatchVerdict.self) { group in
            var running = 0
            var number = 0
            var shapes = Set<Int>()
            receiving: while let first = try await chunks.receive() {
                // A stop takes no new batch: those in flight finish, the rest is redone by the next run.
                if shouldStopReading() { break receiving }
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
                    if shouldStopReading() { break receiving }
                    if running >= definition.inferRequests {
                        if let verdict = try await group.next() { try breaker.record(verdict) }
                        running -= 1
                    }
                    let batch = indices.map { pool[$0] }
                    let longest = batch.map(\.encoding.count).max() ?? 0
                    let padded = (longest + engine.lengthMultiple - 1) / engine.lengthMultiple * engine.lengthMultiple
                    let computed = batch.count * padded
                    if shapes.insert(batch.count << 16 | padded).inserted {
                        monitor.update { $0.distinctBatchShapes += 1 }
                    }
                    number += 1
                    let injected = faults.failsInference(batch: number)
                    group.addTask {
                        let outcome = try await Self.embed(
                            batch, engine: engine, retry: true, injected: injected, timeoutSeconds: timeout)
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
                        return BatchVerdict(outcome.map(\.1))
                    }
                    running += 1
                }
            }
            // After a stop the chunker may still be sending: drain, so that it can finish.
            while try await chunks.receive() != nil {}
            for try await verdict in group { try breaker.record(verdict) }
        }
        results.finish()
    }

    /// Embeds a batch; a failed batch is tried again once, then split in halves until the failing chunks are
    /// isolated (a timeout is not split: it says the machine is too slow, not that a chunk is bad).
    /// Cancellation is never retried. `injected` fails every attempt (the fault plan).
    static func embed(
        _ batch: [ChunkJob], engine: any EmbeddingEngine, retry: Bool, injected: Bool = false,
        timeoutSeconds: Double = 30
    ) async throws
        -> [(ChunkJob, Result<[Float], EmbeddingFailure>)]
    {
        do {
            if injected { throw EmbeddingFailure(message: "inference failed (injected by OVINDEX_FAULTS)") }
            let vectors = try await engine.embed(batch.map(\.encoding))
            guard vectors.count == batch.count else {
                throw EmbeddingFailure(message: "the model returned \(vectors.count) vectors for \(batch.count) chunks")
            }
            return zip(batch, vectors).map { ($0, .success($1)) }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if retry {
                return try await embed(
                    batch, engine: engine, retry: false, injected: injected, timeoutSeconds: timeoutSeconds)
            }
            let timedOut = (error as? OpenVINOError)?.kind == .timedOut
            if batch.count == 1 || timedOut {
                let message =
                    timedOut
                    ? "inference timed out after \(timeoutSeconds) s (timeouts.inference_seconds)" : "\(error)"
                return batch.map { ($0, .failure(EmbeddingFailure(message: message))) }
            }
            let middle = batch.count / 2
            return try await embed(
                Array(batch[..<middle]), engine: engine, retry: false, injected: injected,
                timeoutSeconds: timeoutSeconds)
                + embed(
                    Array(batch[middle...]), engine: engine, retry: false, injected: injected,
                    timeoutSeconds: timeoutSeconds)
        }
    }
}

/// How one batch ended, for the breaker: whether every chunk failed, and the last error.
struct BatchVerdict: Sendable {
    var failed: Bool
    var message: String?

    init(_ results: [Result<[Float], EmbeddingFailure>]) {
        var message: String?
        var failures = 0
        for result in results {
            if case .failure(let error) = result {
                failures += 1
                message = error.message
            }
        }
        failed = !results.isEmpty && failures == results.count
        self.message = message
    }
}

/// Stops a run whose inference keeps failing (a broken model, a machine far too slow for the timeout) instead of
/// turning the whole corpus into failures: three failed batches, if they are half or more of those finished,
/// or five in a row.
struct FailureBreaker {
    let timeoutSeconds: Double
    private(set) var failed = 0
    private(set) var finished = 0
    private(set) var consecutive = 0

    init(timeoutSeconds: Double) {
        self.timeoutSeconds = timeoutSeconds
    }

    mutating func record(_ verdict: BatchVerdict) throws(InferenceStopped) {
        finished += 1
        if verdict.failed {
            failed += 1
            consecutive += 1
        } else {
            consecutive = 0
        }
        if (failed >= 3 && failed * 2 >= finished) || consecutive >= 5 {
            throw InferenceStopped(
                failed: failed, finished: finished, last: verdict.message ?? "unknown", timeoutSeconds: timeoutSeconds)
        }
    }
}

/// The run stopped early because most inference batches failed.
public struct InferenceStopped: Error, Sendable, Equatable, CustomStringConvertible {
    public var failed: Int
    public var finished: Int
    public var last: String
    public var timeoutSeconds: Double

    public var description: String {
        "stopped early: \(failed) of \(finished) inference batches failed (last: \(last)); the model is broken, or "
            + "timeouts.inference_seconds (\(timeoutSeconds) s) is too short for this machine. Nothing was rejected: "
            + "the next run tries these documents again"
    }
}

/// Documents (or folders) that could not be read or embedded: listed as failures, retried by the next run.
public struct DocumentFailures: Error, Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    public var first: String
    /// True when every failure was an I/O error (exit 74), false when inference failed too (exit 1).
    public var onlyIO: Bool

    public var description: String {
        "\(count) documents could not be finished (first: \(first)); they are listed as failures in the store "
            + "('ovindex store info') and the next run tries them again"
    }
}

/// A broken promise inside the pipeline: reported as a failure rather than a run that claims to be complete.
public struct RunInvariantError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
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
    case failed(RejectInput)
    case planned(DocumentPlan)
    case embedded([EmbeddedChunk])
    case sourceFinished(SourceReport)
    case readingFinished(complete: Bool)
}

extension RejectInput.Document {
    init(_ document: SourceDocument) {
        self.init(
            key: document.key, source: document.source, contentHash: document.contentHash, byteSize: document.byteSize)
    }
}

