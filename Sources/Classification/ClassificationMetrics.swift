/// How a classifier did on items with known labels: accuracy, per-label precision, recall and F1, their
/// unweighted mean (macro-F1), and the confusion matrix.
public struct ClassificationMetrics: Sendable, Equatable {
    public let labels: [String]
    /// `confusion[gold][predicted]`; the last column counts predictions with no label (below the threshold).
    public private(set) var confusion: [[Int]]
    public private(set) var seconds: Double = 0

    public init(labels: [String]) {
        self.labels = labels
        confusion = Array(repeating: Array(repeating: 0, count: labels.count + 1), count: labels.count)
    }

    /// Adds one item: its gold label and the predicted one (nil: no label).
    public mutating func add(gold: Int, predicted: Int?) {
        confusion[gold][predicted ?? labels.count] += 1
    }

    public mutating func addTime(_ seconds: Double) { self.seconds += seconds }

    public var items: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var accuracy: Double {
        items > 0 ? Double(labels.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(items) : 0
    }

    public struct LabelScores: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Gold items of the label.
        public var support: Int
    }

    public func scores(of label: Int) -> LabelScores {
        let hits = Double(confusion[label][label])
        let predicted = Double(confusion.reduce(0) { $0 + $1[label] })
        let gold = confusion[label].reduce(0, +)
        let precision = predicted > 0 ? hits / predicted : 0
        let recall = gold > 0 ? hits / Double(gold) : 0
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return LabelScores(precision: precision, recall: recall, f1: f1, support: gold)
    }

    /// The mean of the labels' F1 (each label counts once, however many items it has).
    public var macroF1: Double {
        labels.isEmpty ? 0 : labels.indices.reduce(0) { $0 + scores(of: $1).f1 } / Double(labels.count)
    }

    /// Items per second.
    public var rate: Double { seconds > 0 ? Double(items) / seconds : 0 }

    /// The macro-F1 of always answering the most frequent gold label: the floor a classifier must beat.
    public var majorityMacroF1: Double {
        let supports = labels.indices.map { confusion[$0].reduce(0, +) }
        guard let top = supports.indices.max(by: { supports[$0] < supports[$1] }), items > 0 else { return 0 }
        let precision = Double(supports[top]) / Double(items)
        return 2 * precision / (precision + 1) / Double(labels.count)
    }
}
