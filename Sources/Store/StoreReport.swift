import TextIO

/// A store described for people: what `store info` and `status` print.
public struct StoreReport: Sendable {
    public let statistics: StoreStatistics
    public let model: ModelIdentity?
    public let runs: [RunRecord]
    public let recentRejects: [RejectInput]
    public let path: String
    /// The settings its chunks were made with (`chunk_tokens`, `chunk_structure`...), by name.
    public let settings: [(String, String)]
    /// What the labels in each classified metadata field were made by (recorded by a run's classification
    /// stage), by field.
    public let labellers: [(field: String, description: String)]

    public var lastRun: RunRecord? { runs.first }

    public init(_ store: Store) throws(StoreError) {
        statistics = try store.statistics()
        model = try store.modelIdentity()
        runs = try store.recentRuns(limit: 3)
        recentRejects = try store.rejects(limit: 5)
        path = store.path
        settings = try store.settings()
        labellers = try store.infos(prefix: Self.labellerPrefix).map { ($0, Self.describeLabeller($1)) }
    }

    /// Where a run's classification stage records its labeller, by field (`note.classify.FIELD`).
    public static let labellerPrefix = "classify."

    /// "astronomy, cooking (logistic, 48 examples, threshold 0.41)" from the labeller's record.
    static func describeLabeller(_ record: String) -> String {
        guard let object = try? JSONParser.parse(record), case .array(let labels)? = object["labels"] else { return record }
        var threshold = "none"
        if case .number(let literal)? = object["threshold"] { threshold = literal }
        var examples = "0"
        if case .number(let literal)? = object["examples"] { examples = literal }
        return labels.compactMap(\.stringValue).joined(separator: ", ")
            + " (\(object["method"]?.stringValue ?? "?"), \(examples) examples, threshold \(threshold))"
    }

    /// How many chunks keep token states for fast reranking, and what to do about those that do not.
    public static func describeStates(_ statistics: StoreStatistics) -> String {
        let missing = statistics.chunks - statistics.chunksWithStates
        var text = "\(statistics.chunksWithStates) chunks keep token states (\(Format.bytes(statistics.stateBytes)))"
        if missing > 0 {
            text += "; \(missing) do not (indexed before schema 3 or with token_states \"none\"): reranking runs "
                + "the model over those, which is slow; index into a new store to keep them all"
        }
        return text
    }

    /// The report, a fact a line: a label ("documents") and what it says ("24 indexed, 0 rejected").
    public var entries: [(label: String, text: String)] {
        var entries: [(label: String, text: String)] = [
            ("store", path),
            ("schema", "version \(statistics.schemaVersion)"),
            ("model", model.map(String.init(describing:)) ?? "none yet (no vectors written)"),
            ("documents", "\(statistics.documents) indexed, \(statistics.rejectedDocuments) rejected"),
            ("chunks", "\(statistics.chunks) (\(statistics.vectors) vectors)"),
            ("states", Self.describeStates(statistics)),
            ("settings", settings.isEmpty ? "none yet" : settings.map { "\($0)=\($1)" }.joined(separator: " ")),
        ] + labellers.map { ("labels", "\($0.field): \($0.description)") } + [
            ("rejects", "\(statistics.rejects)"),
            ("size", Format.bytes(statistics.fileBytes)),
        ]
        if runs.isEmpty { entries.append(("runs", "none")) }
        for (index, run) in runs.enumerated() {
            entries.append((index == 0 ? "last run" : "earlier", Self.describe(run)))
        }
        for reject in recentRejects {
            var text = reject.input
            if let line = reject.line { text += ":\(line)" }
            text += ": \(reject.reason)"
            if let limit = reject.limit { text += " (limit \(limit))" }
            if let detail = reject.detail { text += ": \(detail)" }
            entries.append(("reject", text))
        }
        return entries
    }

    /// The report as `store info` prints it: labels in a column of 11.
    public var lines: [String] { entries.map { Format.padded($0.label, 11) + $0.text } }

    public static func describe(_ run: RunRecord) -> String {
        let counters = run.counters
        var text = "#\(run.id) \(run.status.rawValue)"
        switch run.status {
        case .running:
            text +=
                " (last progress \(run.updatedAt); if no ovindex run is active it was killed: run it again to resume)"
        default:
            text += " \(run.finishedAt ?? run.updatedAt)"
        }
        text +=
            ": \(counters.documentsSeen) documents seen, \(counters.documentsIndexed) indexed, "
            + "\(counters.documentsUnchanged) unchanged, \(counters.documentsRejected) rejected, "
            + "\(counters.documentsPruned) pruned, \(counters.chunksWritten) chunks"
        if let error = run.error { text += "; error: \(error)" }
        return text
    }
}
