import Foundation
import VectorMath

/// Multinomial logistic regression over unit vectors, trained by full-batch gradient descent with momentum:
/// weights start at `prior` (each label's description centroid, scaled) and an L2 penalty holds them near it,
/// so a label with few examples keeps what its description says.
struct SoftmaxRegression: Sendable {
    let labels: Int
    let width: Int
    /// Row-major [labels × width], then one bias per label.
    private(set) var weights: [Float]
    private(set) var biases: [Float]

    struct Settings: Sendable, Equatable {
        /// How strongly the weights are held near the prior (per example). Chosen, with `priorScale`, on the
        /// debian and man sets, 4 and 16 examples per label, from 0 to 0.1 (scripts/tune_classify.py; the
        /// grid is in docs/measurements/2026-12-08-classification.md).
        var penalty: Float = 0.001
        /// The scale of the prior's logits: cosines times this (chosen from 1 to 20).
        var priorScale: Float = 5
        var steps = 300
        var rate: Float = 0.5
        var momentum: Float = 0.9
    }

    /// Trains on `examples` (unit vectors and their label indices) from `prior` (one unit vector per label).
    init(prior: [[Float]], examples: [(vector: [Float], label: Int)], settings: Settings = Settings()) {
        labels = prior.count
        width = prior.first?.count ?? 0
        let start = prior.flatMap { $0.map { $0 * settings.priorScale } }
        weights = start
        biases = [Float](repeating: 0, count: labels)
        guard !examples.isEmpty else { return }
        var velocity = [Float](repeating: 0, count: weights.count)
        var biasVelocity = [Float](repeating: 0, count: labels)
        let count = Float(examples.count)
        for _ in 0..<settings.steps {
            var gradient = [Float](repeating: 0, count: weights.count)
            var biasGradient = [Float](repeating: 0, count: labels)
            for example in examples {
                let probabilities = self.probabilities(example.vector)
                for label in 0..<labels {
                    let error = probabilities[label] - (label == example.label ? 1 : 0)
                    biasGradient[label] += error
                    let base = label * width
                    for d in 0..<width { gradient[base + d] += error * example.vector[d] }
                }
            }
            for index in weights.indices {
                let g = gradient[index] / count + settings.penalty * (weights[index] - start[index])
                velocity[index] = settings.momentum * velocity[index] - settings.rate * g
                weights[index] += velocity[index]
            }
            for label in 0..<labels {
                biasVelocity[label] = settings.momentum * biasVelocity[label] - settings.rate * biasGradient[label] / count
                biases[label] += biasVelocity[label]
            }
        }
    }

    /// Each label's logit for `vector`.
    func logits(_ vector: [Float]) -> [Float] {
        weights.withUnsafeBufferPointer { w in
            vector.withUnsafeBufferPointer { x in
                (0..<labels).map { VectorMath.dot(w.baseAddress! + $0 * width, x.baseAddress!, width) + biases[$0] }
            }
        }
    }

    /// Each label's probability for `vector`.
    func probabilities(_ vector: [Float]) -> [Float] {
        Self.softmax(logits(vector))
    }

    static func softmax(_ logits: [Float]) -> [Float] {
        let top = logits.max() ?? 0
        let exponentials = logits.map { Float(exp(Double($0 - top))) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }
}
