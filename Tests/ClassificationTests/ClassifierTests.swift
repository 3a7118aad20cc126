import Classification
import Synthetic
import Testing

/// The classifier's arithmetic on vectors made to be told apart, without the model.
@Suite struct ClassifierTests {
    /// Three labels whose descriptions point at three directions of a 16-dimensional space, and documents near
    /// them.
    static let axes: [[Float]] = (0..<3).map { axis in (0..<16).map { $0 == axis ? 1 : 0 } }

    static func near(_ axis: Int, _ generator: inout SplitMix64, noise: Float = 0.4) -> [Float] {
        let random = generator.unitVector(16)
        return zip(axes[axis], random).map { $0 + noise * $1 }
    }

    static let labels = ["a", "b", "c"]
    static var descriptions: [[[Float]]] { axes.map { [$0] } }

    @Test func zeroShotPicksTheNearestDescription() {
        var generator = SplitMix64(seed: 3)
        let classifier = Classifier(labels: Self.labels, descriptions: Self.descriptions, method: .zeroShot)
        for axis in 0..<3 {
            let prediction = classifier.predict(vector: Self.near(axis, &generator, noise: 0.2))
            #expect(prediction.label == Self.labels[axis])
            #expect(prediction.scores.count == 3 && prediction.scores[0].score >= prediction.scores[1].score)
        }
    }

    @Test func examplesMoveALabelWhereItsDocumentsAre() {
        // Label a's description is misleading (it points where c's documents are); its examples say where it is.
        var generator = SplitMix64(seed: 5)
        let misleading: [[[Float]]] = [[Self.axes[2]], [Self.axes[1]], [Self.axes[2]]]
        let examples = (0..<8).flatMap { _ in
            [(Self.near(0, &generator), 0), (Self.near(1, &generator), 1), (Self.near(2, &generator), 2)]
        }.map { (vector: $0.0, label: $0.1) }
        let zeroShot = Classifier(labels: Self.labels, descriptions: misleading, method: .zeroShot)
        let test = (0..<20).map { _ in Self.near(0, &generator) }
        #expect(test.filter { zeroShot.predict(vector: $0).label == "a" }.count < 10)
        for method in [ClassificationMethod.centroid, .logistic] {
            let classifier = Classifier(
                labels: Self.labels, descriptions: misleading, examples: examples, method: method)
            let right = test.filter { classifier.predict(vector: $0).label == "a" }.count
            #expect(right >= 18, "\(method): \(right) of 20")
        }
    }

    @Test func aScoreBelowTheThresholdHasNoLabel() {
        var classifier = Classifier(labels: Self.labels, descriptions: Self.descriptions, method: .zeroShot)
        classifier.threshold = 0.9
        let between = classifier.predict(vector: [1, 1, 1] + [Float](repeating: 0, count: 13))
        #expect(between.label == nil)
        #expect(between.best != nil && between.score < 0.9)
        #expect(classifier.predict(vector: Self.axes[1]).label == "b")
    }

    @Test func documentViewsReadTheChunksTheirOwnWay() {
        // Two chunks about b and one strongly about c: the mean and the vote say b, the best chunk says c.
        let chunks: [[Float]] = [Self.axes[1], Self.axes[1].map { $0 * 0.9 }, Self.axes[2]]
        func label(_ view: DocumentView) -> String? {
            Classifier(labels: Self.labels, descriptions: Self.descriptions, method: .zeroShot, view: view)
                .predict(chunks: chunks).label
        }
        #expect(label(.mean) == "b")
        #expect(label(.vote) == "b")
        #expect(label(.bestChunk) == "b" || label(.bestChunk) == "c")
        let best = Classifier(labels: Self.labels, descriptions: Self.descriptions, method: .zeroShot, view: .bestChunk)
            .predict(chunks: chunks)
        #expect(best.scores.first { $0.label == "c" }?.score == 1)
    }
}
