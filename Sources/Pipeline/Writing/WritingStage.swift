import Foundation
import Host
import Models
import Store
import TextIO

/// The last stage: owns the store for the run. Puts each document's vectors back together, commits finished
/// documents, rejects, failures and the run's progress in one transaction per batch, and at the end prunes,
/// applies or refuses removals (`RemovalPlan`), and records how the run ended.
final class WritingStage {
    private struct Assembly {
        var plan: DocumentPlan
        var vectors: [ChunkEmbedding?]
        var remaining: Int
        var failure: String?
    }

    let store: Store
    let runID: Int64
    let definition: PipelineDefinition
    let monitor: RunMonitor
    let faults: FaultPlan
    /// Labels each document as it is stored; relabels the store at the end when its labels changed.
    let labeller: DocumentLabeller?
    /// Stored documents whose label the end of the run changed (new labels or examples).
    var documentsRelabelled = 0
    private let lock: RunLock
    var counters = RunCounters()
    private(set) var rejectCount = 0
    /// True once the reader read every source to its end (no signal stopped it).
    private(set) var readingComplete = false
    /// How the reader read each source, by index.
    private(set) var sourceReports: [Int: SourceReport] = [:]
    /// The first failure of the run, how many had no document (a folder), and whether all were I/O errors.
    private(set) var firstFailure: String?
    private(set) var failuresWithoutDocument = 0
    private(set) var onlyIOFailures = true
    /// Keys met this run (documents, unchanged, rejected and failed): what pruning must keep.
    var seen = Set<KeyDigest>()
    /// Rejects of documents the store holds as indexed: applied at the end, within `RemovalPlan`'s limits.
    var demotions: [RejectInput] = []
    private var assemblies: [UInt64: Assembly] = [:]
    private var finished: [DocumentInput] = []
    /// Bytes of vectors and token states waiting in `finished`: a commit is due past `commitBytes`, so that
    /// documents with many chunks (and int8 states, 100 KB a chunk) cannot pile up whatever the corpus.
    private var finishedBytes = 0
    static let commitBytes = 64 << 20
    var rejects: [RejectInput] = []
    var lastKey = ""
    private var lastCommit = ContinuousClock.now
    private var dirty = false
    private var commits = 0

    /// Opens the run's store: takes its lock, refuses it if it is damaged, binds it to the model and chunking
    /// (or checks they are the ones it was built with), closes runs a killed process left "running", and
    /// records the new run.
    ///
    /// - Throws: `RunLockError`, `StoreError` (corrupt, another model or chunking, I/O). A store this call
    ///   created is removed again when it fails before the run is recorded.
    static func open(
        definition: PipelineDefinition, model: ModelIdentity, chunker: Chunker, verifiedWeights: String?,
        labeller: DocumentLabeller? = nil, monitor: RunMonitor, faults: FaultPlan
    ) throws -> WritingStage {
        let lock = try RunLock(store: definition.store)
        do {
            let store = try Store(path: definition.store)
            try store.requireIntact()
            try store.bind(to: model)
            // A store keeps the chunk structure it was built with unless the definition names another (refused).
            let structure =
                try definition.chunkStructure ?? store.setting("chunk_structure").flatMap(ChunkStructure.init)
                ?? .auto
            try StoreBinding.bind(
                StoreBinding.entries(
                    chunks: (chunker.maxTokens, chunker.overlap), definition: definition, structure: structure),
                to: store)
            if let verifiedWeights { try store.setInfo(RunPreparation.verifiedWeightsKey, to: verifiedWeights) }
            try store.interruptStaleRuns()
            // Documents rejected under other limits are judged again (a raised limit may admit them now).
            let limits = Self.rejectLimits(definition)
            let recheck = try store.info(Self.rejectLimitsKey) != limits
            let runID = try store.beginRun(settings: definition.json)
            let writer = WritingStage(
                store: store, runID: runID, definition: definition, monitor: monitor, faults: faults,
                labeller: labeller, lock: lock)
            writer.recheckRejected = recheck
            writer.structure = structure
            return writer
        } catch {
            lock.removeIfCreated()
            throw error
        }
    }

    init(
        store: Store, runID: Int64, definition: PipelineDefinition, monitor: RunMonitor, faults: FaultPlan,
        labeller: DocumentLabeller? = nil, lock: RunLock
    ) {
        self.store = store
        self.runID = runID
        self.definition = definition
        self.monitor = monitor
        self.faults = faults
        self.labeller = labeller
        self.lock = lock
    }

    /// Documents planned but never finished (their chunks were dropped by a stop): not committed, redone by
    /// the next run.
    var unfinishedDocuments: Int { assemblies.count }

    /// True when the store's rejected documents were judged under other limits than this run's: they are
    /// validated again instead of skipped as unchanged.
    private(set) var recheckRejected = false

    /// Which documents this run reads as Markdown: the definition's choice, else the store's, else `auto`.
    private(set) var structure = ChunkStructure.auto

    /// The limits a rejected document was judged under, as the store records them.
    static let rejectLimitsKey = "reject_limits"

    static func rejectLimits(_ definition: PipelineDefinition) -> String {
        "max_document_bytes=\(definition.maxDocumentBytes) max_chunks_per_document=\(definition.maxChunksPerDocument)"
    }

    /// A broken promise between the stages, found where it shows.
    var invariantBroken: String?

    func consume(_ messages: BoundedChannel<WriterMessage>) async throws {
        for try await message in messages {
            switch message {
            case .unchanged(let key):
                seen.insert(KeyDigest(key))
                counters.documentsSeen += 1
                counters.documentsUnchanged += 1
                dirty = true
            case .problem(let problem) where problem.kind == .failure:
                record(failure: problem)
            case .problem(let reject):
                try record(reject: reject)
            case .planned(let plan):
                seen.insert(KeyDigest(plan.header.key))
                counters.documentsSeen += 1
                assemblies[plan.sequence] = Assembly(
                    plan: plan, vectors: Array(repeating: nil, count: plan.chunks.count), remaining: plan.chunks.count)
            case .embedded(let chunks):
                for chunk in chunks { place(chunk) }
            case .sourceFinished(let report):
                sourceReports[report.index] = report
            case .readingFinished(let complete):
                readingComplete = complete
            case .tick:
                break
            }
            monitor.update {
                $0.documentsSeen = counters.documentsSeen
                $0.documentsUnchanged = counters.documentsUnchanged
            }
            try commit(force: false)
        }
    }

    /// A reject; one that would take an indexed document's vectors away waits for the end of the run.
    private func record(reject: RejectInput) throws {
        if let document = reject.document {
            seen.insert(KeyDigest(document.key))
            counters.documentsSeen += 1
            if try store.isIndexed(document.key) {
                demotions.append(reject)
                return
            }
        }
        rejects.append(reject)
    }

    /// A document (or, without a key, a folder) that could not be finished: listed as a failure, its stored
    /// version (if any) left as it was, and counted so that the run does not end as completed.
    private func record(failure: RejectInput) {
        if let key = failure.key {
            seen.insert(KeyDigest(key))
            counters.documentsSeen += 1
            counters.documentsFailed += 1
        } else {
            failuresWithoutDocument += 1
        }
        if !failure.code.isIOFailure { onlyIOFailures = false }
        if firstFailure == nil {
            firstFailure =
                "\(failure.input)\(failure.line.map { ":\($0)" } ?? ""): \(failure.reason)"
                + (failure.detail.map { ": \($0)" } ?? "")
        }
        rejects.append(failure)
        monitor.update { $0.documentsFailed = counters.documentsFailed }
    }

    private func place(_ chunk: EmbeddedChunk) {
        guard var assembly = assemblies[chunk.job.document], assembly.vectors.indices.contains(chunk.job.ordinal)
        else {
            invariantBroken = invariantBroken ?? "a vector came for chunk \(chunk.job.ordinal) of document "
                + "\(chunk.job.document), which was not planned"
            return
        }
        switch chunk.result {
        case .success(let embedding):
            assembly.vectors[chunk.job.ordinal] = embedding
        case .failure(let error):
            assembly.failure = assembly.failure ?? "chunk \(chunk.job.ordinal): \(error)"
        }
        assembly.remaining -= 1
        guard assembly.remaining == 0 else {
            assemblies[chunk.job.document] = assembly
            return
        }
        assemblies[chunk.job.document] = nil
        monitor.documentsLeft(1)
        let header = assembly.plan.header
        if let failure = assembly.failure {
            // Seen and counted when it was planned; a failure is recorded, not a reject.
            counters.documentsSeen -= 1
            record(
                failure: RejectInput(
                    input: header.input, line: header.line, code: .inferenceFailed, detail: failure, key: header.key))
            return
        }
        var chunks: [ChunkInput] = []
        for plan in assembly.plan.chunks {
            guard let embedding = assembly.vectors[plan.ordinal] else {
                invariantBroken = invariantBroken ?? "document \(header.key) was complete without a vector for chunk \(plan.ordinal)"
                return
            }
            chunks.append(
                ChunkInput(
                    ordinal: plan.ordinal, text: plan.text, characterStart: plan.characterStart,
                    characterEnd: plan.characterEnd, tokenCount: plan.tokenIDs.count, embedding: embedding.vector,
                    tokenStates: embedding.states?.bytes, context: plan.context,
                    section: ([plan.section] + plan.laterSections).map { $0.joined(separator: DocumentTitle.separator) }
                        .joined(separator: "\n")))
        }
        finishedBytes += chunks.reduce(0) { $0 + $1.embedding.count * 4 + ($1.tokenStates?.count ?? 0) }
        var metadata = header.metadata
        labeller?.label(&metadata, vectors: chunks.map(\.embedding))
        finished.append(
            DocumentInput(
                key: header.key, source: header.source, contentHash: header.contentHash, byteSize: header.byteSize,
                metadata: metadata, chunks: chunks))
    }

    /// Writes what is ready when a batch is full, when the commit interval passed, or when `force`d (`final`
    /// for the run's last commit).
    func commit(force: Bool, final: Bool = false) throws {
        let due =
            finished.count >= definition.commitDocuments || finishedBytes >= Self.commitBytes
            || ContinuousClock.now - lastCommit >= .milliseconds(Int64(definition.commitSeconds * 1000))
        guard force || due, !finished.isEmpty || !rejects.isEmpty || dirty else { return }
        let documents = finished
        let batchRejects = rejects
        var next = counters
        next.documentsIndexed += documents.count
        next.chunksWritten += documents.reduce(0) { $0 + $1.chunks.count }
        next.tokensEmbedded += documents.reduce(0) { $0 + $1.chunks.reduce(0) { $0 + $1.tokenCount } }
        next.documentsRejected += batchRejects.filter { $0.document != nil }.count
        let cursor = documents.last?.key ?? lastKey
        let clock = ContinuousClock()
        let started = clock.now
        defer {
            let busy = (clock.now - started).seconds
            monitor.update { $0.writerSeconds += busy }
        }
        commits += 1
        if faults.failsCommit(number: commits, final: final) {
            throw InjectedFault(point: final ? "the final commit" : "commit \(commits)", store: store.path)
        }
        try store.write(
            documents: documents, rejects: batchRejects,
            progress: RunProgress(runID: runID, counters: next, cursor: Self.cursor(cursor)))
        counters = next
        rejectCount += batchRejects.filter { $0.kind == .reject }.count
        lastKey = cursor
        finished.removeAll(keepingCapacity: true)
        finishedBytes = 0
        rejects.removeAll(keepingCapacity: true)
        dirty = false
        lastCommit = ContinuousClock.now
        monitor.update {
            $0.documentsIndexed = counters.documentsIndexed
            $0.documentsRejected = counters.documentsRejected
            $0.rejects = rejectCount
        }
    }
}
