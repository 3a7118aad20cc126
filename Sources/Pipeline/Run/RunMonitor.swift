import Synchronization

/// Live counters of a run, updated by the stages and read by whoever shows progress.
public final class RunMonitor: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var bytesRead = 0
        public var totalBytes = 0
        public var documentsSeen = 0
        public var documentsIndexed = 0
        public var documentsUnchanged = 0
        public var documentsRejected = 0
        public var rejects = 0
        public var documentsPruned = 0
        /// Documents that could not be finished (read or inference failures): retried by the next run.
        public var documentsFailed = 0
        public var chunksEmbedded = 0
        public var tokensEmbedded = 0
        /// Positions the model computed, padding included (rows × longest sequence, summed over batches).
        public var tokensComputed = 0
        /// Distinct (rows, sequence length) input shapes sent to the model: each new one costs OpenVINO a
        /// shape compilation and a cache entry.
        public var distinctBatchShapes = 0
        /// Time each side stage spent working (not waiting on channels), in seconds.
        public var readerSeconds = 0.0
        public var chunkerSeconds = 0.0
        public var writerSeconds = 0.0
        /// Documents read but not yet committed (the pipeline's bounded in-flight set).
        public var documentsInFlight = 0
        public var maxDocumentsInFlight = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    func documentEntered() {
        state.withLock {
            $0.documentsInFlight += 1
            $0.maxDocumentsInFlight = max($0.maxDocumentsInFlight, $0.documentsInFlight)
        }
    }

    func documentsLeft(_ count: Int) {
        state.withLock { $0.documentsInFlight -= count }
    }
}
