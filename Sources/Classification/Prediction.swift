/// A classifier's answer for one text or document: the label (nil when no label scored above the threshold),
/// its score, and every label's score, best first.
public struct Prediction: Sendable, Equatable {
    public var label: String?
    public var score: Float
    public var scores: [(label: String, score: Float)]

    public init(label: String?, score: Float, scores: [(label: String, score: Float)]) {
        self.label = label
        self.score = score
        self.scores = scores
    }

    /// The best-scoring label, whatever the threshold.
    public var best: String? { scores.first?.label }

    public static func == (a: Prediction, b: Prediction) -> Bool {
        a.label == b.label && a.score == b.score && a.scores.elementsEqual(b.scores) { $0 == $1 }
    }
}
