public import Embedding
public import Store

extension Classifier {
    /// A classifier for `labels` and `examples`: the descriptions and text examples embedded by `embedder` (the
    /// model the documents to classify were embedded with), document examples read from `store`.
    ///
    /// - Parameters:
    ///   - method: nil: logistic with examples, zero-shot without.
    ///   - view: nil: the method's preferred view (`DocumentView.preferred(for:)`).
    ///   - threshold: nil calibrates it on the examples (`calibratedThreshold`), none without any.
    /// - Throws: `ClassificationInputError` for an example document the store does not hold; the embedder's
    ///   errors.
    public static func make(
        labels: LabelSet, examples: ExampleSet = ExampleSet([]), embedder: Embedder, store: Store? = nil,
        method: ClassificationMethod? = nil, view: DocumentView? = nil, pooling: DescriptionPooling = .max,
        threshold: Float? = nil
    ) async throws -> Classifier {
        let descriptions = try await embed(labels.labels.flatMap(\.descriptions), with: embedder)
        var next = 0
        let grouped: [[[Float]]] = labels.labels.map { label in
            defer { next += label.descriptions.count }
            return Array(descriptions[next..<(next + label.descriptions.count)])
        }
        let vectors = try await exampleVectors(examples, labels: labels, embedder: embedder, store: store)
        let chosen = method ?? (vectors.isEmpty ? .zeroShot : .logistic)
        let view = view ?? .preferred(for: chosen)
        var classifier = Classifier(
            labels: labels.names, descriptions: grouped, examples: vectors, method: chosen, view: view,
            pooling: pooling)
        classifier.threshold = threshold ?? Self.calibratedThreshold(
            labels: labels.names, descriptions: grouped, examples: vectors, method: chosen, view: view, pooling: pooling)
        return classifier
    }

    /// Each example's vector and label index: texts embedded, documents' chunk vectors averaged.
    static func exampleVectors(
        _ examples: ExampleSet, labels: LabelSet, embedder: Embedder, store: Store?
    ) async throws -> [(vector: [Float], label: Int)] {
        let texts = examples.examples.compactMap { example -> String? in
            if case .text(let text) = example.source { return text }
            return nil
        }
        let embedded = try await embed(texts, with: embedder)
        let keys = examples.documentKeys
        var documents: [String: DocumentVectors] = [:]
        if !keys.isEmpty {
            guard let store else {
                throw ClassificationInputError(.invalid, "examples name stored documents, but no store was given")
            }
            documents = try store.documentVectors(forKeys: keys)
            if let missing = keys.first(where: { documents[$0] == nil }) {
                throw ClassificationInputError(
                    .invalid, "example document \(missing) is not in \(store.path) (or holds no vectors)")
            }
        }
        var nextText = 0
        return examples.examples.map { example in
            let label = labels.index(of: example.label) ?? 0
            switch example.source {
            case .text:
                defer { nextText += 1 }
                return (embedded[nextText], label)
            case .document(let key):
                return (Self.sum((documents[key]?.vectors ?? []).map(Self.unit)), label)
            }
        }
    }

    static func embed(_ texts: [String], with embedder: Embedder) async throws -> [[Float]] {
        var window = EmbeddingWindow<Int>(embedder: embedder, capacity: max(1, texts.count))
        var vectors = [[Float]](repeating: [], count: texts.count)
        for (index, text) in texts.enumerated() {
            for (item, vector) in try await window.add(index, text: text) { vectors[item] = vector }
        }
        for (item, vector) in try await window.flush() { vectors[item] = vector }
        return vectors
    }

    /// The threshold below which a prediction has no label, from the examples: each fold of four is scored by
    /// a classifier trained on the other three, and the threshold is the score that 95% of the correctly
    /// predicted held-out examples reach. Nil without examples (or with fewer than two per fold), and for
    /// zero-shot (whose cosines the examples did not shape).
    static func calibratedThreshold(
        labels: [String], descriptions: [[[Float]]], examples: [(vector: [Float], label: Int)],
        method: ClassificationMethod, view: DocumentView, pooling: DescriptionPooling
    ) -> Float? {
        let folds = 4
        guard method != .zeroShot, examples.count >= 2 * folds else { return nil }
        var correct: [Float] = []
        for fold in 0..<folds {
            let train = examples.enumerated().filter { $0.offset % folds != fold }.map(\.element)
            let held = examples.enumerated().filter { $0.offset % folds == fold }.map(\.element)
            let classifier = Classifier(
                labels: labels, descriptions: descriptions, examples: train, method: method, view: view,
                pooling: pooling)
            for example in held {
                let prediction = classifier.predict(vector: example.vector)
                if prediction.best == labels[example.label] { correct.append(prediction.score) }
            }
        }
        guard !correct.isEmpty else { return nil }
        let sorted = correct.sorted()
        return sorted[Int(Double(sorted.count - 1) * 0.05)]
    }
}
