public import Embedding
import Host
public import Store

/// `ovindex eval --classify`: examples drawn from a gold set, a classifier built from them and the labels'
/// descriptions, and the rest of the set scored.
public struct ClassificationEvaluation: Sendable {
    public var labels: LabelSet
    public var gold: GoldSet
    public var examplesPerLabel: Int
    public var seed: UInt64
    public var method: ClassificationMethod?
    public var view: DocumentView?
    public var pooling: DescriptionPooling
    /// Score with this store evidence (zero-shot) instead of the vector classifier.
    public var evidence: StoreEvidence?

    public init(
        labels: LabelSet, gold: GoldSet, examplesPerLabel: Int = 0, seed: UInt64 = 1,
        method: ClassificationMethod? = nil, view: DocumentView? = nil, pooling: DescriptionPooling = .max,
        evidence: StoreEvidence? = nil
    ) {
        self.evidence = evidence
        self.labels = labels
        self.gold = gold
        self.examplesPerLabel = examplesPerLabel
        self.seed = seed
        self.method = method
        self.view = view
        self.pooling = pooling
    }

    /// Scores the items that were not drawn as examples. The time counted is what labelling them costs: reading
    /// the documents' vectors (or embedding the texts) and scoring, not building the classifier.
    ///
    /// - Throws: `ClassificationInputError` for a gold document the store does not hold; the store's and the
    ///   embedder's errors.
    public func run(embedder: Embedder, store: Store?) async throws -> (metrics: ClassificationMetrics, classifier: Classifier) {
        let (drawn, rest) = gold.split(examplesPerLabel: examplesPerLabel, seed: seed)
        let examples = ExampleSet(drawn.map { ExampleSet.Example(label: labels.names[$0.label], source: $0.source) })
        let classifier = try await Classifier.make(
            labels: labels, examples: examples, embedder: embedder, store: store, method: method, view: view,
            pooling: pooling)
        var scoring = classifier
        // Evaluation scores every item against the labels: no threshold, so that accuracy counts the best label.
        scoring.threshold = nil
        var metrics = ClassificationMetrics(labels: labels.names)
        let clock = ContinuousClock()
        let started = clock.now
        let keys = rest.compactMap { item -> String? in
            if case .document(let key) = item.source { return key }
            return nil
        }
        var documents: [String: DocumentVectors] = [:]
        if !keys.isEmpty {
            guard let store else {
                throw ClassificationInputError(.invalid, "the gold set names stored documents, but no store was given")
            }
            documents = try store.documentVectors(forKeys: keys)
            if let missing = keys.first(where: { documents[$0] == nil }) {
                throw ClassificationInputError(.invalid, "gold document \(missing) is not in \(store.path)")
            }
        }
        let texts = rest.compactMap { item -> String? in
            if case .text(let text) = item.source { return text }
            return nil
        }
        let embedded = try await Classifier.embed(texts, with: embedder)
        if let evidence, let store {
            let scores = try await evidence.scores(
                labels: labels, documents: Array(documents.values), store: store, embedder: embedder)
            for item in rest {
                guard case .document(let key) = item.source else { continue }
                metrics.add(gold: item.label, predicted: scoring.prediction(scores[key] ?? []).best.flatMap(labels.index(of:)))
            }
            metrics.addTime((clock.now - started).seconds)
            return (metrics, classifier)
        }
        var nextText = 0
        for item in rest {
            let prediction: Prediction
            switch item.source {
            case .document(let key):
                prediction = scoring.predict(chunks: documents[key]?.vectors ?? [])
            case .text:
                prediction = scoring.predict(vector: embedded[nextText])
                nextText += 1
            }
            metrics.add(gold: item.label, predicted: prediction.best.flatMap(labels.index(of:)))
        }
        metrics.addTime((clock.now - started).seconds)
        return (metrics, classifier)
    }
}
