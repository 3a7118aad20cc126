import Checksum
public import Classification
import Embedding
import Foundation
import Host
public import Models
import Store
import TextIO

/// The run's classification stage (`"classify"` in a definition): each new or changed document's label and
/// score go into its metadata as it is stored, and when the labels or examples changed since the store last
/// recorded them, every stored document is labelled again from the vectors it keeps (nothing is embedded
/// again), in one transaction.
public struct DocumentLabeller: Sendable {
    public let field: String
    public let classifier: Classifier
    /// What the labels come from: a sha256 of the label and example files, the field, the method and the threshold.
    public let fingerprint: String

    public init(field: String, classifier: Classifier, fingerprint: String) {
        self.field = field
        self.classifier = classifier
        self.fingerprint = fingerprint
    }

    /// Where a store records what made the labels its documents carry in `field`: a JSON object with the
    /// fingerprint, the label names, the method, the threshold and the number of examples (`store info` shows it).
    static func infoKey(_ field: String) -> String { StoreReport.labellerPrefix + field }

    /// What the store records about this labeller (see `infoKey`).
    var record: String {
        JSONWriter.canonical(
            .object([
                "fingerprint": .string(fingerprint), "labels": .array(classifier.labels.map(JSONValue.string)),
                "method": .string(classifier.method.rawValue),
                "threshold": classifier.threshold.map { .number(String($0)) } ?? .null,
                "examples": .number(String(classifier.exampleCount)),
            ]))
    }

    /// The labeller `definition` asks for, its files read and its descriptions embedded with `embedder`;
    /// example documents are read from the store when it exists. Nil when the definition does not classify.
    ///
    /// - Throws: `ClassificationInputError` (exit 65 or 66) for the label or example files, before anything is
    ///   written; the embedder's errors.
    static func make(for definition: PipelineDefinition, embedder: Embedder) async throws -> DocumentLabeller? {
        guard let settings = definition.classification else { return nil }
        let labels = try LabelSet.read(settings.labels)
        let examples = try settings.examples.map { path throws(ClassificationInputError) in
            try ExampleSet.read(path, labels: labels)
        } ?? ExampleSet([])
        let store = FileManager.default.fileExists(atPath: definition.store)
            ? try Store(path: definition.store, mode: .readOnly) : nil
        let classifier = try await Classifier.make(
            labels: labels, examples: examples, embedder: embedder, store: store,
            threshold: settings.threshold.map(Float.init))
        var hash = SHA256()
        for path in [settings.labels] + (settings.examples.map { [$0] } ?? []) {
            hash.update(Array(FileManager.default.contents(atPath: path) ?? Data()))
            hash.update([0])
        }
        let threshold = settings.threshold.map { String($0) } ?? "calibrated"
        hash.update(Array("\(settings.field)|\(classifier.method.rawValue)|\(threshold)".utf8))
        return DocumentLabeller(field: settings.field, classifier: classifier, fingerprint: SHA256.hexString(hash.finalize()))
    }

    /// The labeller of `definition` for a dry run, with the model the run would load.
    public static func load(for definition: PipelineDefinition, model directory: ModelDirectory) async throws
        -> DocumentLabeller?
    {
        guard definition.classification != nil else { return nil }
        let embedder = try await Embedder.load(directory, options: RunPreparation.embedderOptions(definition))
        return try await make(for: definition, embedder: embedder)
    }

    /// Adds the label and score of a document whose chunks have these vectors to its metadata.
    func label(_ metadata: inout [String: JSONValue], vectors: [[Float]]) {
        let prediction = classifier.predict(chunks: vectors)
        metadata[field] = prediction.label.map(JSONValue.string) ?? .null
        metadata[field + "_score"] = .number(String(prediction.score))
    }

    /// Whether the store's documents carry labels made from other labels or examples (or none yet).
    func isStale(in store: Store) throws(StoreError) -> Bool {
        guard let recorded = try store.info(Self.infoKey(field)) else { return true }
        return (try? JSONParser.parse(recorded))?["fingerprint"]?.stringValue != fingerprint
    }

    /// A stored document whose label or score differs from what the labeller gives it now.
    struct Change {
        var key: String
        var label: String?
        var score: Float
        /// False when only the score moved.
        var labelChanged: Bool
    }

    /// Every stored document whose label or score would change.
    func changes(in store: Store) throws(StoreError) -> [Change] {
        var changed: [Change] = []
        try store.forEachDocumentVectors { document in
            let prediction = classifier.predict(chunks: document.vectors)
            let metadata = try? JSONParser.parse(document.metadata)
            let label = prediction.label.map(JSONValue.string) ?? .null
            let labelChanged = metadata?[field] != label
            // The score is compared as a number: SQLite may write a number's digits in another form.
            var storedScore: Float?
            if case .number(let literal)? = metadata?[field + "_score"] { storedScore = Float(literal) }
            if labelChanged || storedScore.map({ abs($0 - prediction.score) > 1e-6 }) ?? true {
                changed.append(Change(key: document.key, label: prediction.label, score: prediction.score, labelChanged: labelChanged))
            }
        }
        return changed
    }

    /// How many stored documents' labels a run would change (a dry run): none when the store's labels were made
    /// by this labeller.
    func labelChanges(in store: Store) throws(StoreError) -> Int {
        guard try isStale(in: store) else { return 0 }
        return try changes(in: store).count(where: \.labelChanged)
    }

    /// Labels every stored document again when the labels changed since the store recorded them, in one
    /// transaction (scores too), then records the new fingerprint. Returns how many documents' labels changed.
    ///
    /// - Throws: `StoreError`, `InjectedFault` (`relabel` in `OVINDEX_FAULTS`); the old labels stay then.
    func relabel(_ store: Store, faults: FaultPlan) throws -> Int {
        guard try isStale(in: store) else { return 0 }
        let changed = try changes(in: store)
        try store.setLabels(field: field, changed.map { ($0.key, $0.label, $0.score) }) {
            if faults.relabel { throw InjectedFault(point: "labelling the stored documents again", store: store.path) }
        }
        try store.setInfo(Self.infoKey(field), to: record)
        return changed.count(where: \.labelChanged)
    }
}
