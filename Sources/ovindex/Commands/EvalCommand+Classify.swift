import Classification
import Embedding
import Host
import Models
import Store
import TextIO

extension EvalCommand {
    /// `eval --classify GOLD`: examples drawn from GOLD, the rest labelled and scored.
    func evaluateClassifier(gold path: String) async throws -> ExitStatus {
        let labelSet = try LabelSet.read(labels ?? "")
        let goldSet = try GoldSet.read(path, labels: labelSet)
        let store = try search.store.map { try Store(path: $0, mode: .readOnly) }
        let directory: ModelDirectory
        if let store {
            let identity = try store.requireModelIdentity()
            directory = try ModelDirectory.resolve(search.model, storeModelName: identity.name)
            try store.verify(model: ModelIdentity(directory))
        } else {
            directory = try ModelDirectory.resolve(search.model)
        }
        let embedder = try await Embedder.load(directory, options: search.inference.embedderOptions())
        let evaluation = ClassificationEvaluation(
            labels: labelSet, gold: goldSet, examplesPerLabel: examplesPerLabel, seed: UInt64(seed), method: method,
            view: view, pooling: pooling, evidence: evidence)
        let (metrics, classifier) = try await evaluation.run(embedder: embedder, store: store)
        let setting =
            evidence.map { "zero-shot by \($0.rawValue)" }
            ?? "\(classifier.method.rawValue), \(classifier.view.rawValue)" + (classifier.method == .zeroShot ? ", \(pooling.rawValue)" : "")
        if json {
            var writer = JSONWriter(capacity: 1024)
            writer.object { line in
                line.field("method", evidence.map { "zero-shot " + $0.rawValue } ?? classifier.method.rawValue)
                line.field("view", classifier.view.rawValue)
                line.field("pooling", pooling.rawValue)
                line.field("examples_per_label", examplesPerLabel)
                line.field("seed", seed)
                line.field("items", metrics.items)
                line.field("accuracy", Format.rounded(metrics.accuracy, 4))
                line.field("macro_f1", Format.rounded(metrics.macroF1, 4))
                line.field("majority_macro_f1", Format.rounded(metrics.majorityMacroF1, 4))
                line.field("items_per_second", Format.rounded(metrics.rate, 1))
                line.field("labels") { labels in
                    labels.object { object in
                        for (index, name) in labelSet.names.enumerated() {
                            let scores = metrics.scores(of: index)
                            object.field(name) { entry in
                                entry.object { label in
                                    label.field("precision", Format.rounded(scores.precision, 4))
                                    label.field("recall", Format.rounded(scores.recall, 4))
                                    label.field("f1", Format.rounded(scores.f1, 4))
                                    label.field("support", scores.support)
                                }
                            }
                        }
                    }
                }
                line.field("confusion") { $0.array(metrics.confusion) { row, counts in row.array(counts) { $0.integer($1) } } }
            }
            Terminal.output.write(line: writer.text)
            return .success
        }
        let out = Terminal.output
        out.write(
            line: "\(metrics.items) items scored, \(examplesPerLabel) examples per label drawn (seed \(seed)), "
                + "\(labelSet.labels.count) labels; \(setting)")
        out.write(
            line: "accuracy \(Format.fixed(metrics.accuracy, 3))  macro-F1 \(Format.fixed(metrics.macroF1, 3))  "
                + "(majority class \(Format.fixed(metrics.majorityMacroF1, 3)))  \(Format.fixed(metrics.rate, 0)) items/s")
        let width = max(8, labelSet.names.map(\.count).max() ?? 8) + 2
        out.write(line: Format.padded("label", width) + "precision  recall  F1     support")
        for (index, name) in labelSet.names.enumerated() {
            let scores = metrics.scores(of: index)
            out.write(
                line: Format.padded(name, width) + Format.padded(Format.fixed(scores.precision, 3), 11)
                    + Format.padded(Format.fixed(scores.recall, 3), 8) + Format.padded(Format.fixed(scores.f1, 3), 7)
                    + String(scores.support))
        }
        out.write(line: "confusion (rows: gold, columns: predicted, in the order above)")
        for (index, row) in metrics.confusion.enumerated() {
            out.write(
                line: Format.padded(labelSet.names[index], width)
                    + row.dropLast().map { Format.padded(String($0), 6) }.joined())
        }
        return .success
    }
}
