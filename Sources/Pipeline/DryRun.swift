import Foundation
public import Store

/// What `ovindex run --dry-run` shows: what a run would add, change, reject and prune, read from the sources and
/// the store without writing anything (the store is opened read-only, or not at all when it does not exist).
///
/// Documents are read and hashed as a run reads them; they are not chunked, so the chunker's rejects (empty after
/// normalization, too many chunks) are not foreseen.
public struct DryRun {
    public enum Line: Sendable, Equatable {
        case add(key: String)
        case change(key: String)
        case reject(RejectInput)
        case failure(RejectInput)
        case prune(key: String)
    }

    public struct Summary: Sendable, Equatable {
        public var added = 0
        public var changed = 0
        public var unchanged = 0
        public var rejected = 0
        public var failed = 0
        public var pruned = 0
        /// Sources prune would keep, and why.
        public var notes: [String] = []
        /// Why the run would refuse to prune, if it would.
        public var refusal: String?
    }

    public let definition: PipelineDefinition
    public let faults: FaultPlan

    public init(definition: PipelineDefinition, faults: FaultPlan = .none) {
        self.definition = definition
        self.faults = faults
    }

    /// Reads every source and calls `line` for each document a run would write or delete.
    ///
    /// - Throws: `SourceError` as a run would; `StoreError` when the store exists but cannot be read.
    public func run(_ line: (Line) -> Void) async throws -> Summary {
        let reader = CorpusReader(
            sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes, shard: definition.shard,
            store: definition.store, faults: faults)
        try reader.checkSources()
        let store: Store? =
            FileManager.default.fileExists(atPath: definition.store)
            ? try Store(path: definition.store, mode: .readOnly) : nil
        var summary = Summary()
        var seen = Set<KeyDigest>()
        var reports: [Int: SourceReport] = [:]
        func storedHash(_ key: String) throws -> String? {
            try store?.contentHashes(forKeys: [key])[key]
        }
        try await reader.read { item in
            switch item {
            case .document(let document):
                seen.insert(KeyDigest(document.key))
                switch try storedHash(document.key) {
                case document.contentHash?: summary.unchanged += 1
                case nil:
                    summary.added += 1
                    line(.add(key: document.key))
                case _?:
                    summary.changed += 1
                    line(.change(key: document.key))
                }
            case .rejected(let reject):
                if let document = reject.document {
                    seen.insert(KeyDigest(document.key))
                    if try storedHash(document.key) == document.contentHash {
                        summary.unchanged += 1
                        return
                    }
                }
                summary.rejected += 1
                line(.reject(reject))
            case .failed(let failure):
                if let key = failure.key { seen.insert(KeyDigest(key)) }
                summary.failed += 1
                line(.failure(failure))
            case .sourceFinished(let report):
                reports[report.index] = report
            }
        }
        guard definition.prune, let store else { return summary }
        let sources = PrunePlan.Source.all(definition, reports: reports)
        let plan = try PrunePlan(
            sources: sources, maxFraction: definition.pruneMaxFraction, force: definition.forcePrune,
            stored: { body in try store.forEachDocument(body) }, seen: { [seen] in seen.contains(KeyDigest($0)) })
        summary.notes = plan.notes
        summary.refusal = plan.refusal
        for key in plan.deletions { line(.prune(key: key)) }
        summary.pruned = plan.deletions.count
        return summary
    }
}
