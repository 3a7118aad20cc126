import Store

/// The second stage: each read document is checked against the rules (`Validator`), skipped when the store
/// already has it (same key and content hash: without chunking or embedding it), and passed on to chunking when
/// it is new or changed. Rejects, failures, unchanged documents and the end of each source go straight to the
/// writer. A key read twice in one run is rejected the second time, naming where it was first read.
struct ValidatingStage {
    let validator: Validator
    let definition: PipelineDefinition
    let monitor: RunMonitor
    let shouldStop: @Sendable () -> Bool
    /// Validate documents the store holds as rejected even when unchanged (the limits changed since).
    var recheckRejected = false

    /// Where each key was first read, to name it when a key comes again (16 bytes of digest per key).
    struct Origins {
        private var first: [KeyDigest: (source: Int32, line: Int32)] = [:]

        /// Records `document`'s key; returns where it was read before, if it was.
        mutating func insert(_ document: ReadDocument) -> (source: Int, line: Int?)? {
            let digest = KeyDigest(document.key)
            if let earlier = first[digest] {
                return (Int(earlier.source), earlier.line < 0 ? nil : Int(earlier.line))
            }
            first[digest] = (Int32(clamping: document.sourceIndex), Int32(clamping: document.line ?? -1))
            return nil
        }
    }

    /// What becomes of one read document (the run and the dry run decide alike).
    enum Decision: Equatable {
        /// Its key was read before in this run.
        case duplicate(RejectInput)
        /// The store has it with this content.
        case unchanged
        /// To chunk and embed; `isNew` when the store does not have its key at all.
        case accepted(SourceDocument, isNew: Bool)
        case rejected(RejectInput)
    }

    /// - Parameter stored: the store's content hash and state for the document's key, if it has one.
    func decide(
        _ document: ReadDocument, origins: inout Origins, stored: (contentHash: String, state: String)?
    ) -> Decision {
        if let earlier = origins.insert(document) {
            return .duplicate(Validator.duplicate(document, firstReadAt: place(earlier, of: document)))
        }
        if let stored, stored.contentHash == document.contentHash, !(recheckRejected && stored.state == "rejected") {
            return .unchanged
        }
        switch validator.validate(document) {
        case .accepted(let accepted): return .accepted(accepted, isNew: stored == nil)
        case .rejected(let reject): return .rejected(reject)
        }
    }

    func run(
        from items: BoundedChannel<ReadItem>, to documents: BoundedChannel<SourceDocument>,
        results: BoundedChannel<WriterMessage>
    ) async throws {
        // Its own read-only connection: the writer's transactions do not block these lookups (WAL).
        let lookup = try Store(path: definition.store, mode: .readOnly)
        var origins = Origins()
        for try await item in items {
            switch item {
            case .document(let document):
                monitor.update { $0.bytesRead += document.byteSize }
                // After a stop, documents still arriving are dropped: the next run reads them again.
                if shouldStop() { continue }
                switch decide(document, origins: &origins, stored: try lookup.storedVersion(of: document.key)) {
                case .duplicate(let reject), .rejected(let reject):
                    try await results.send(.problem(reject))
                case .unchanged:
                    try await results.send(.unchanged(document.key))
                case .accepted(let accepted, _):
                    monitor.documentEntered()
                    try await documents.send(accepted)
                }
            case .problem(let problem):
                try await results.send(.problem(problem))
            case .sourceFinished(let report):
                try await results.send(.sourceFinished(report))
            }
        }
        documents.finish()
    }

    private func place(_ earlier: (source: Int, line: Int?), of document: ReadDocument) -> String {
        if earlier.source == document.sourceIndex { return earlier.line.map { "line \($0)" } ?? "this source" }
        return "source \(definition.sources[earlier.source].path)" + (earlier.line.map { " line \($0)" } ?? "")
    }
}
