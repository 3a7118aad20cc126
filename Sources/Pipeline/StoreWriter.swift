import Foundation
import Store
import TextIO

/// The last stage: puts each document's vectors back together and commits finished documents, rejects and
/// the run's progress in one transaction per batch.
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
    private(set) var counters = RunCounters()
    private(set) var rejectCount = 0
    /// True when the reader stopped early (signal): the sources were not all read, so no pruning.
    private(set) var readingStopped = false
    private var readingComplete = false
    /// Keys seen this run, by hash (see `CorpusReader.checkDuplicate`), for pruning.
    private var seen = Set<Int>()
    private var assemblies: [UInt64: Assembly] = [:]
    private var finished: [DocumentInput] = []
    private var rejects: [RejectInput] = []
    private var lastKey = ""
    private var lastCommit = ContinuousClock.now
    private var dirty = false

    init(store: Store, runID: Int64, definition: PipelineDefinition, monitor: RunMonitor) {
        self.store = store
        self.runID = runID
        self.definition = definition
        self.monitor = monitor
    }

    func consume(_ messages: BoundedChannel<WriterMessage>) async throws {
        for try await message in messages {
            switch message {
            case .unchanged(let key):
                seen.insert(key.hashValue)
                counters.documentsSeen += 1
                counters.documentsUnchanged += 1
                dirty = true
            case .rejected(let reject):
                if let document = reject.document { seen.insert(document.key.hashValue) }
                counters.documentsSeen += reject.document == nil ? 0 : 1
                rejects.append(reject)
            case .planned(let plan):
                seen.insert(plan.document.key.hashValue)
                counters.documentsSeen += 1
                assemblies[plan.sequence] = Assembly(
                    plan: plan, vectors: Array(repeating: nil, count: plan.chunks.count), remaining: plan.chunks.count)
            case .embedded(let chunks):
                for chunk in chunks { try place(chunk) }
            case .readingFinished(let complete):
                readingComplete = complete
                readingStopped = !complete
            }
            monitor.update {
                $0.documentsSeen = counters.documentsSeen
                $0.documentsUnchanged = counters.documentsUnchanged
            }
            try commit(force: false)
        }
    }

    private func place(_ chunk: EmbeddedChunk) throws {
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
            rejects.append(
                RejectInput(
                    input: document.input, reason: "inference failed", detail: failure,
                    document: .init(document)))
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

    /// Writes what is ready when a batch is full, when the commit interval passed, or when `force`d.
    func commit(force: Bool) throws {
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
        try store.write(
            documents: documents, rejects: batchRejects,
            progress: RunProgress(runID: runID, counters: next, cursor: Self.cursor(cursor)))
        counters = next
        rejectCount += batchRejects.count
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

    /// Deletes documents that are in the store but were not in the sources this run.
    func prune() throws {
        guard readingComplete else { return }
        try commit(force: true)
        var gone: [String] = []
        try store.forEachDocumentKey { key in
            if !seen.contains(key.hashValue) { gone.append(key) }
        }
        var offset = 0
        while offset < gone.count {
            let slice = Array(gone[offset..<min(offset + 500, gone.count)])
            counters.documentsPruned += slice.count
            try store.deleteDocuments(
                keys: slice, progress: RunProgress(runID: runID, counters: counters, cursor: Self.cursor(lastKey)))
            offset += slice.count
        }
        monitor.update { $0.documentsPruned = counters.documentsPruned }
    }

    static func cursor(_ key: String) -> String {
        var writer = JSONWriter()
        writer.value(.object(["last_committed": .string(key)]))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
