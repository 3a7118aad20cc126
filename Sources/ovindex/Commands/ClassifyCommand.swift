import Classification
import Embedding
import Host
import Models
import Settings
import Store
import TextIO

/// `ovindex classify`: labels for texts, or for every document of a store from the vectors it keeps.
struct ClassifyCommand: Command {
    static let spec = CommandSpec<ClassifyCommand>(
        name: "classify", summary: "Label texts, or every stored document, zero-shot or from a few examples",
        usage: [
            "classify --labels LABELS [--examples EXAMPLES] [FILE] [options]",
            "classify --store STORE --labels LABELS [--examples EXAMPLES] [--json] [options]",
        ],
        discussion: """
            LABELS is JSON Lines {"label": NAME, "description": TEXT} (several lines per label: several
            descriptions); EXAMPLES is JSON Lines {"label": NAME, "text": TEXT} or {"label": NAME, "document": KEY}
            (a stored document). Without examples the labels are chosen by their descriptions alone (zero-shot);
            with them a classifier learns from them, the descriptions still counting.

            Texts (one per line, or JSON Lines {"id": ..., "text": ...}) are embedded once each and printed as
            one JSON line each: {"id": ..., "label": ..., "score": ..., "scores": {LABEL: SCORE, ...}}.
            With --store, every document is labelled from the vectors the store already holds (nothing is
            embedded again): {"document": ..., "label": ..., "score": ..., "scores": {...}} with --json,
            else "DOCUMENT<TAB>LABEL<TAB>SCORE". A label is null when no label scores above the threshold: with
            examples it is calibrated on them unless --threshold is given (stated on stderr); zero-shot labels
            every text unless --threshold is given.
            """,
        sections: [
            SettingSection(
                "Labels",
                [
                    .option("--labels", value: "FILE", .path, help: "the labels and their descriptions", required: true, \.labels),
                    .option("--examples", value: "FILE", .path, help: "labelled examples to learn from", \.examples),
                    .option(
                        "--method", value: "M", .choice,
                        help: "zero-shot (nearest description), centroid (nearest mean of the examples and "
                            + "descriptions) or logistic (softmax regression on the examples, the descriptions as "
                            + "its prior)",
                        default: "logistic with examples, else zero-shot", \.method),
                    .option(
                        "--threshold", value: "S", .number(-1...1),
                        help: "the lowest score a label may have (cosine for zero-shot and centroid, probability "
                            + "for logistic); below it the label is null",
                        default: "calibrated on the examples; none without", \.threshold),
                    .option(
                        "--top", value: "N", .integer(1...LabelSet.maximumLabels),
                        help: "how many labels \"scores\" lists, best first", default: "all", \.top),
                    .option(
                        "--store", value: "STORE", .path,
                        help: "label every document of this store from its vectors (instead of texts)", \.store),
                    .flag("--json", help: "with --store, JSON Lines output", \.json),
                    ModelOptions.model(\.model),
                ] + InferenceOptions.settings.map { $0.lifted(\.inference) } + [
                    .flag("--quiet", "-q", help: "no summary on stderr", \.quiet)
                ]),
            InputOptions.section.lifted(\.input),
        ],
        positionals: Positionals(optional: InputOptions.file, \.input.path))

    var labels: String?
    var examples: String?
    var method: ClassificationMethod?
    var threshold: Double?
    var top: Int?
    var store: String?
    var json = false
    var model: String?
    var inference = InferenceOptions()
    var quiet = false
    var input = InputOptions()

    mutating func validate() throws(UsageError) {
        if store != nil, let path = input.path { throw UsageError("give texts (FILE) or --store, not both ('\(path)')") }
        if method == .zeroShot, examples != nil { throw UsageError("--method zero-shot takes no --examples") }
        if method != nil, method != .zeroShot, examples == nil {
            throw UsageError("--method \(method?.rawValue ?? "") learns from examples: give --examples FILE")
        }
    }

    func run() async throws -> ExitStatus {
        let labelSet = try LabelSet.read(labels ?? "")
        let exampleSet = try examples.map { path throws(ClassificationInputError) in
            try ExampleSet.read(path, labels: labelSet)
        } ?? ExampleSet([])
        let opened = try store.map { try Store(path: $0, mode: .readOnly) }
        let directory: ModelDirectory
        if let opened {
            // The store's vectors are comparable with texts embedded by its own model only.
            let identity = try opened.requireModelIdentity()
            directory = try ModelDirectory.resolve(model, storeModelName: identity.name)
            try opened.verify(model: ModelIdentity(directory))
        } else {
            directory = try ModelDirectory.resolve(model)
        }
        let embedder = try await Embedder.load(directory, options: inference.embedderOptions())
        let classifier = try await Classifier.make(
            labels: labelSet, examples: exampleSet, embedder: embedder, store: opened, method: method,
            threshold: threshold.map(Float.init))
        if !quiet {
            Terminal.errors.write(
                line: "ovindex classify: \(labelSet.labels.count) labels, \(exampleSet.examples.count) examples, "
                    + "method \(classifier.method.rawValue) (\(classifier.view.rawValue)), threshold "
                    + (classifier.threshold.map { Format.fixed(Double($0), 4) + (threshold == nil ? " (calibrated on the examples)" : "") }
                        ?? "none (every item gets its best label)"))
        }
        let clock = ContinuousClock()
        let started = clock.now
        var count = 0
        if let opened {
            try opened.forEachDocumentVectors { document in
                let prediction = classifier.predict(chunks: document.vectors)
                Terminal.output.append(Self.line(key: ("document", .string(document.key)), prediction, top: top, json: json))
                count += 1
            }
        } else {
            let reader = try input.makeReader(pairs: false)
            var window = EmbeddingWindow<JSONValue>(embedder: embedder)
            let write = { (id: JSONValue, vector: [Float]) in
                Terminal.output.append(Self.line(key: ("id", id), classifier.predict(vector: vector), top: top, json: true))
                count += 1
            }
            _ = try await input.forEachRecord(reader, command: Self.spec.name) { record in
                for (id, vector) in try await window.add(record.id, text: record.text) { write(id, vector) }
            }
            for (id, vector) in try await window.flush() { write(id, vector) }
        }
        if !quiet {
            let seconds = (clock.now - started).seconds
            Terminal.output.flush()
            Terminal.errors.write(
                line: "ovindex classify: \(count) \(opened == nil ? "texts" : "documents") in \(Format.fixed(seconds, 2)) s "
                    + "(\(Format.fixed(Double(count) / max(seconds, 1e-9), 0))/s)")
        }
        return .success
    }

    /// One item's line: JSON `{KEY, "label", "score", "scores"}`, or tab-separated.
    static func line(key: (name: String, value: JSONValue), _ prediction: Prediction, top: Int?, json: Bool) -> [UInt8] {
        guard json else {
            let name = key.value.stringValue ?? "\(key.value)"
            return Array(
                ([name, prediction.label ?? "", Format.fixed(Double(prediction.score), 4)].map(Format.tabSeparatedField)
                    .joined(separator: "\t") + "\n").utf8)
        }
        var writer = JSONWriter(capacity: 512)
        writer.object { line in
            line.field(key.name, key.value)
            line.field("label", prediction.label)
            line.field("score", prediction.score)
            line.field("scores") { scores in
                scores.object { object in
                    for entry in prediction.scores.prefix(top ?? prediction.scores.count) {
                        object.field(entry.label, entry.score)
                    }
                }
            }
        }
        writer.newline()
        return writer.bytes
    }
}
