import VectorMath

/// Chooses a label for a text's vector or a stored document's chunk vectors, from the labels' descriptions
/// and, when there are any, examples (see `ClassificationMethod`). Built once; answering is arithmetic on
/// vectors the embedding model already made (no inference).
public struct Classifier: Sendable {
    public let labels: [String]
    public let method: ClassificationMethod
    public let view: DocumentView
    public let pooling: DescriptionPooling
    /// A prediction whose best score is below this has no label; nil: every prediction has one.
    public var threshold: Float?
    /// How many examples it learnt from (none for zero-shot).
    public let exampleCount: Int
    /// Each label's description vectors (unit length).
    let descriptions: [[[Float]]]
    /// Each label's single vector for the cosine methods (its descriptions' centroid, or its centroid).
    let centroids: [[Float]]
    let regression: SoftmaxRegression?

    /// - Parameters:
    ///   - descriptions: for each label (in `labels`' order), its descriptions' embeddings.
    ///   - examples: the examples' vectors (a text's embedding, a document's mean vector) with their label's
    ///     index; the zero-shot method ignores them, the others need at least one.
    ///   - priorWeight: for the centroid method, how many examples the descriptions count as.
    public init(
        labels: [String], descriptions: [[[Float]]], examples: [(vector: [Float], label: Int)] = [],
        method: ClassificationMethod, view: DocumentView = .mean, pooling: DescriptionPooling = .max,
        priorWeight: Float = 1, threshold: Float? = nil
    ) {
        precondition(labels.count == descriptions.count && labels.count >= 2)
        self.labels = labels
        self.method = method
        self.view = view
        self.pooling = pooling
        self.threshold = threshold
        exampleCount = method == .zeroShot ? 0 : examples.count
        self.descriptions = descriptions.map { $0.map(Self.unit) }
        let descriptionCentroids = self.descriptions.map { Self.unit(Self.sum($0)) }
        switch method {
        case .zeroShot:
            centroids = descriptionCentroids
            regression = nil
        case .centroid:
            centroids = labels.indices.map { label in
                let own = examples.filter { $0.label == label }.map { Self.unit($0.vector) }
                let prior = descriptionCentroids[label].map { $0 * priorWeight }
                return Self.unit(zip(Self.sum(own, width: prior.count), prior).map { $0 + $1 })
            }
            regression = nil
        case .logistic:
            centroids = descriptionCentroids
            regression = SoftmaxRegression(
                prior: descriptionCentroids, examples: examples.map { (Self.unit($0.vector), $0.label) })
        }
    }

    /// Each label's score for one vector (a text's embedding, or one chunk's).
    public func scores(vector: [Float]) -> [Float] {
        let unit = Self.unit(vector)
        switch method {
        case .logistic:
            return regression?.probabilities(unit) ?? []
        case .zeroShot where pooling == .max:
            return descriptions.map { label in label.map { Self.cosine(unit, $0) }.max() ?? -1 }
        case .zeroShot, .centroid:
            return centroids.map { Self.cosine(unit, $0) }
        }
    }

    /// Each label's score for a document's chunk vectors, as `view` reads them.
    public func scores(chunks: [[Float]]) -> [Float] {
        guard !chunks.isEmpty else { return [Float](repeating: 0, count: labels.count) }
        switch view {
        case .mean:
            return scores(vector: Self.sumOfUnits(chunks))
        case .bestChunk:
            let perChunk = chunks.map(scores(vector:))
            return labels.indices.map { label in perChunk.map { $0[label] }.max() ?? 0 }
        case .vote:
            var votes = [Float](repeating: 0, count: labels.count)
            var sums = [Float](repeating: 0, count: labels.count)
            for chunk in chunks {
                let scores = scores(vector: chunk)
                for (label, score) in scores.enumerated() { sums[label] += score }
                if let best = scores.indices.max(by: { scores[$0] < scores[$1] }) { votes[best] += 1 }
            }
            // The share of votes decides; the mean score breaks ties.
            let count = Float(chunks.count)
            return labels.indices.map { votes[$0] / count + sums[$0] / count / 1_000 }
        }
    }

    /// The prediction for a text's vector.
    public func predict(vector: [Float]) -> Prediction { prediction(scores(vector: vector)) }

    /// The prediction for a document's chunk vectors.
    public func predict(chunks: [[Float]]) -> Prediction { prediction(scores(chunks: chunks)) }

    func prediction(_ scores: [Float]) -> Prediction {
        let ranked = zip(labels, scores).map { (label: $0, score: $1) }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.label < $1.label
        }
        let best = ranked.first
        let label = best.flatMap { best in threshold.map { best.score >= $0 } ?? true ? best.label : nil }
        return Prediction(label: label, score: best?.score ?? 0, scores: ranked)
    }

    static func unit(_ vector: [Float]) -> [Float] {
        let norm = VectorMath.norm(vector)
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    static func sum(_ vectors: [[Float]], width: Int? = nil) -> [Float] {
        var total = [Float](repeating: 0, count: width ?? vectors.first?.count ?? 0)
        total.withUnsafeMutableBufferPointer { total in
            for vector in vectors {
                vector.withUnsafeBufferPointer { values in
                    for index in 0..<min(total.count, values.count) { total[index] += values[index] }
                }
            }
        }
        return total
    }

    /// `sum(vectors.map(unit))` without a copy of each vector: a document's mean direction.
    static func sumOfUnits(_ vectors: [[Float]]) -> [Float] {
        var total = [Float](repeating: 0, count: vectors.first?.count ?? 0)
        total.withUnsafeMutableBufferPointer { total in
            for vector in vectors {
                let norm = VectorMath.norm(vector)
                vector.withUnsafeBufferPointer { values in
                    for index in 0..<min(total.count, values.count) {
                        total[index] += norm > 0 ? values[index] / norm : values[index]
                    }
                }
            }
        }
        return total
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in VectorMath.dot(x.baseAddress!, y.baseAddress!, min(a.count, b.count)) }
        }
    }
}
