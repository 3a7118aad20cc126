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
        /// Stored documents whose label the run would change (its labels or examples changed); nil when the
        /// definition does not classify. New and changed documents are labelled as they are stored, not counted.
        public var labelChanges: Int?
    }

    public let definition: PipelineDefinition
    public let faults: FaultPlan
    /// The model the run would use and its maximum length, to check against what the store was built with.
    public let model: ModelIdentity?
    public let maximumLength: Int?
    /// The classification stage of the run, to count the labels it would change.
    public let labeller: DocumentLabeller?

    public init(
        definition: PipelineDefinition, model: ModelIdentity? = nil, maximumLength: Int? = nil,
        faults: FaultPlan = .none, labeller: DocumentLabeller? = nil
    ) {
        self.definition = definition
        self.model = model
        self.maximumLength = maximumLength
        self.faults = faults
        self.labeller = labeller
    }

    /// Reads every source and calls `line` for each document a run would write or remove.
    ///
    /// - Throws: what the run would throw before writing: `SourceError`, `StoreError` (another model or
    ///   chunking, a corrupt store); and `StoreError` when the store cannot be read.
    public func run(_ line: (Line) -> Void) async throws -> Summary {
        let reader = CorpusReader(
            sources: definition.sources, maxDocumentBytes: definition.maxDocumentBytes, shard: definition.shard,
            store: definition.store, faults: faults)
        try reader.checkSources()
        let store: Store? =
            FileManager.default.fileExists(atPath: definition.store)
            ? try Store(path: definition.store, mode: .readOnly) : nil
        try checkBinding(store)
        let stage = ValidatingStage(
            validator: Validator(definition), definition: definition, monitor: RunMonitor(), shouldStop: { false },
            recheckRejected: try store.map { try $0.info(WritingStage.rejectLimitsKey) != WritingStage.rejectLimits(definition) }
                ?? false)
        var summary = Summary()
        var seen = Set<KeyDigest>()
        var origins = ValidatingStage.Origins()
        var demoted = Set<String>()
        var reports: [Int: SourceReport] = [:]
        try await reader.read { item in
            switch item {
            case .document(let document):
                seen.insert(KeyDigest(document.key))
                let stored = try store?.storedVersion(of: document.key)
                switch stage.decide(document, origins: &origins, stored: stored) {
                case .unchanged:
                    summary.unchanged += 1
                case .accepted(_, let isNew):
                    if isNew {
                        summary.added += 1
                        line(.add(key: document.key))
                    } else {
                        summary.changed += 1
                        line(.change(key: document.key))
                    }
                case .duplicate(let reject):
                    summary.rejected += 1
                    line(.reject(reject))
                case .rejected(let reject):
                    if stored?.state == "indexed" { demoted.insert(document.key) }
                    summary.rejected += 1
                    line(.reject(reject))
                }
            case .problem(let problem) where problem.kind == .failure:
                if let key = problem.key { seen.insert(KeyDigest(key)) }
                summary.failed += 1
                line(.failure(problem))
            case .problem(let problem):
                summary.rejected += 1
                line(.reject(problem))
            case .sourceFinished(let report):
                reports[report.index] = report
            }
        }
        if let labeller { summary.labelChanges = try store.map { try labeller.labelChanges(in: $0) } ?? 0 }
        guard let store, definition.prune || !demoted.isEmpty else { return summary }
        let plan = try RemovalPlan(
            sources: RemovalPlan.Source.all(definition, reports: reports), maxFraction: definition.pruneMaxFraction,
            force: definition.forcePrune, prune: definition.prune, demoted: demoted,
            stored: { body in try store.forEachDocument(body) }, seen: { [seen] in seen.contains(KeyDigest($0)) })
        summary.notes = plan.notes
        summary.refusal = plan.refusal
        for key in plan.deletions { line(.prune(key: key)) }
        summary.pruned = plan.deletions.count
        return summary
    }

    /// Refuses, as the run would, chunks the model cannot take, and a store built with another model or
    /// chunking; and a damaged store.
    private func checkBinding(_ store: Store?) throws {
        let settings = try maximumLength.map { try definition.chunkSettings(maximumLength: $0) }
        guard let store else { return }
        try store.requireIntact()
        if let model { try store.verify(model: model) }
        try StoreBinding.verify(
            StoreBinding.entries(chunks: settings, definition: definition, structure: definition.chunkStructure),
            against: store)
    }
}
