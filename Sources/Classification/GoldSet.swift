import Synthetic
import TextIO

/// Items with known labels, for `ovindex eval --classify`: JSON Lines `{"document": KEY, "label": NAME}` or
/// `{"text": TEXT, "label": NAME}`.
public struct GoldSet: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var source: ExampleSet.Source
        /// The index of its label in the label set.
        public var label: Int
    }

    public private(set) var items: [Item]

    /// Reads a gold file whose labels must all be in `labels`.
    ///
    /// - Throws: `ClassificationInputError` naming the file and line.
    public static func read(_ path: String, labels: LabelSet) throws(ClassificationInputError) -> GoldSet {
        var items: [Item] = []
        try JSONLines.forEach(path, what: "gold file") { line, record throws(ClassificationInputError) in
            let name = try JSONLines.label(record, path: path, line: line)
            guard let label = labels.index(of: name) else {
                throw ClassificationInputError(.invalid, "\(path):\(line): label \(name) is not in the label file")
            }
            switch (record["text"], record["document"]) {
            case (.string(let text)?, nil): items.append(Item(source: .text(text), label: label))
            case (nil, .string(let key)?) where !key.isEmpty: items.append(Item(source: .document(key), label: label))
            default:
                throw ClassificationInputError(
                    .invalid, "\(path):\(line): an item has a string \"text\" or a string \"document\", not both")
            }
        }
        guard !items.isEmpty else { throw ClassificationInputError(.invalid, "\(path) has no items") }
        return GoldSet(items: items)
    }

    /// `perLabel` items of each label drawn as examples (a seeded shuffle, so a seed gives the same draw on
    /// every machine), and the rest to score. A label with no more than `perLabel` items keeps one to score.
    public func split(examplesPerLabel perLabel: Int, seed: UInt64) -> (examples: [Item], rest: [Item]) {
        guard perLabel > 0 else { return ([], items) }
        var generator = SplitMix64(seed: seed)
        var examples: [Item] = []
        var rest: [Item] = []
        let labels = Set(items.map(\.label)).sorted()
        for label in labels {
            var own = items.filter { $0.label == label }
            own.shuffle(using: &generator)
            let taken = min(perLabel, own.count - 1)
            examples += own.prefix(max(0, taken))
            rest += own.dropFirst(max(0, taken))
        }
        return (examples, rest)
    }
}
