import Foundation
import Store
import TextIO

/// The last stage: puts each document's vectors back together and commits finished documents, rejects,
/// failures and the run's progress in one transaction per batch.
final class StoreWriter {
    private struct Assembly {
        var plan: DocumentPlan
        var vectors: [[Float]?]
        var remaining: Int
        var failure: String?
    }

    let store: Store
    let runID: Int64
    let definition: PipelineDefinition
    let monitor: RunMonitor
    let faults: FaultPlan
    private(set) var counters = RunCounters()
    private(set) var rejectCount = 0
    /// True once the reader read every source to its end (no signal stopped it).
    private(set) var readingComplete = false
    /// How the reader read each source, by index.
    private(set) var sourceReports: [Int: SourceReport] = [:]
    /// The first failure of the run, and whether every failure so far was an I/O error.
    private(set) var firstFailure: String?
    private(set) var onlyIOFailures = true
    /// Keys met this run (documents, unchanged, rejected and failed): what pruning must keep.
    private var seen = Set<KeyDigest>()
    private var assemblies: [UInt64: Assembly] = [:]
    private var finished: [DocumentInput] = []
    private var rejects: [RejectInput] = []
    private var lastKey = ""
    private var lastCommit = ContinuousClock.now
    private var dirty = false
    private var commits = 0

    init(store: Store, runID: Int64, definition: PipelineDefinition, monitor: RunMonitor, faults: FaultPlan = .none) {
        self.store = store
        self.runID = runID
        self.definition = definition
        self.monitor = monitor
        self.faults = faults
    }

    /// Documents planned but never finished (their chunks were dropped by a stop): not committed, redone by
    /// the next run.
    var unfinishedDocuments: Int { assemblies.count }

    func consume(_ messages: BoundedChannel<WriterMessage>) async throws {
        for try await message in messages {
            switch message {
            case .unchanged(let key):
                seen.insert(KeyDigest(key))
                counters.documentsSeen += 1
                counters.documentsUnchanged += 1
                dirty = true
            case .rejected(let reject):
                if let document = reject.document { seen.insert(KeyDigest(document.key)) }
                counters.documentsSeen += reject.document == nil ? 0 : 1
                rejects.append(reject)
            case .failed(let failure):
                record(failure)
            case .planned(let plan):
                seen.insert(KeyDigest(plan.document.key))
                counters.documentsSeen += 1
                assemblies[plan.sequence] = Assembly(
                    plan: plan, vectors: Array(repeating: nil, count: plan.chunks.count), remaining: plan.chunks.count)
            case .embedded(let chunks):
                for chunk in chunks { place(chunk) }
            case .sourceFinished(let report):
                sourceReports[report.index] = report
            case .readingFinished(let complete):
                readingComplete = complete
            }
            monitor.update {
                $0.documentsSeen = counters.documentsSeen
                $0.documentsUnchanged = counters.documentsUnchanged
            }
            try commit(force: false)
        }
    }

    /// A document (or, without a key, a folder) that could not be finished: listed as a failure, its stored
    /// version (if any) left as it was, and counted so that the run does not end as completed.
    private func record(_ failure: RejectInput) {
        if let key = failure.key {
            seen.insert(KeyDigest(key))
            counters.documentsSeen += 1
            counters.documentsFailed += 1
        }
        if failure.reason != "read error" && failure.reason != "cannot read the folder" { onlyIOFailures = false }
        if firstFailure == nil {
            firstFailure =
                "\(failure.input)\(failure.line.map { ":\($0)" } ?? ""): \(failure.reason)"
                + (failure.detail.map { ": \($0)" } ?? "")
        }
        rejects.append(failure)
        monitor.update { $0.documentsFailed = counters.documentsFailed }
    }

    private func place(_ chunk: EmbeddedChunk) {
        guard var assembly = assemblies[chunk.job.document] else { return }
        switch chunk.result {
        case .success(let vector):
            assembly.vectors[chunk.job.ordinal] = vector
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
        let document = assembly.plan.document
        if let failure = assembly.failure {
            // Seen and counted when it was planned; a failure is recorded, not a reject.
            counters.documentsSeen -= 1
            record(.failure(input: document.input, key: document.key, reason: "inference failed", detail: failure))
            return
        }
        let chunks = assembly.plan.chunks.map { plan in
            ChunkInput(
                ordinal: plan.ordinal, text: plan.text, characterStart: plan.characterStart,
                characterEnd: plan.characterEnd, tokenCount: plan.tokenIDs.count,
                embedding: assembly.vectors[plan.ordinal] ?? [])
        }
        finished.append(
            DocumentInput(
                key: document.key, source: document.source, contentHash: document.contentHash,
                byteSize: document.byteSize, metadata: document.metadata, chunks: chunks))
    }

    /// Writes what is ready when a batch is full, when the commit interval passed, or when `force`d (`final`
    /// for the run's last commit).
    func commit(force: Bool, final: Bool = false) throws {
        let due =
            finished.count >= definition.commitDocuments
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
        rejects.removeAll(keepingCapacity: true)
        dirty = false
        lastCommit = ContinuousClock.now
        monitor.update {
            $0.documentsIndexed = counters.documentsIndexed
            $0.documentsRejected = counters.documentsRejected
            $0.rejects = rejectCount
        }
    }

    /// Deletes documents that are in the store but were not in the sources this run, within the limits of
    /// `PrunePlan`. Returns notes on sources it kept.
    ///
    /// - Throws: `PruneRefused` when a source lost more than `prune.max_fraction` of its documents (nothing is
    ///   deleted); `StoreError` when a deletion fails (the deletions are batched: earlier batches stay).
    func prune() throws -> [String] {
        guard readingComplete else { return [] }
        try commit(force: true)
        let sources = PrunePlan.Source.all(definition, reports: sourceReports)
        let plan = try PrunePlan(
            sources: sources, maxFraction: definition.pruneMaxFraction, force: definition.forcePrune,
            stored: { body in try store.forEachDocument(body) }, seen: { [seen] in seen.contains(KeyDigest($0)) })
        if let refusal = plan.refusal { throw PruneRefused(message: refusal, notes: plan.notes) }
        if faults.prune && !plan.deletions.isEmpty {
            throw InjectedFault(point: "deleting pruned documents", store: store.path)
        }
        var offset = 0
        while offset < plan.deletions.count {
            let slice = Array(plan.deletions[offset..<min(offset + 500, plan.deletions.count)])
            var next = counters
            next.documentsPruned += slice.count
            try store.deleteDocuments(
                keys: slice, progress: RunProgress(runID: runID, counters: next, cursor: Self.cursor(lastKey)))
            counters = next
            offset += slice.count
        }
        monitor.update { $0.documentsPruned = counters.documentsPruned }
        return plan.notes
    }

    static func cursor(_ key: String) -> String {
        var writer = JSONWriter()
        writer.value(.object(["last_committed": .string(key)]))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Pruning refused because it would delete too large a share of a source: nothing was pruned.
public struct PruneRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var notes: [String]
    public var description: String { message }
}
