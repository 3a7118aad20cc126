import TextIO

/// Labelled examples a classifier learns from: JSON Lines `{"label": NAME, "text": TEXT}` or
/// `{"label": NAME, "document": KEY}` (a stored document's key: its vectors are read from the store, not
/// embedded again).
public struct ExampleSet: Sendable, Equatable {
    public enum Source: Sendable, Equatable, Hashable {
        case text(String)
        case document(String)
    }

    public struct Example: Sendable, Equatable {
        public var label: String
        public var source: Source

        public init(label: String, source: Source) {
            self.label = label
            self.source = source
        }
    }

    /// The most examples one file may hold.
    public static let maximumExamples = 100_000
    public static let maximumTextCharacters = 100_000

    public private(set) var examples: [Example]

    public init(_ examples: [Example]) {
        self.examples = examples
    }

    /// The keys of the stored documents the examples name.
    public var documentKeys: [String] {
        examples.compactMap { example in
            if case .document(let key) = example.source { return key }
            return nil
        }
    }

    /// Reads an example file whose labels must all be in `labels`.
    ///
    /// - Throws: `ClassificationInputError` naming the file and line: a missing file, a line without a label
    ///   or with both or neither of "text" and "document", a label the label file does not have, a text over
    ///   its length, more than `maximumExamples` examples.
    public static func read(_ path: String, labels: LabelSet) throws(ClassificationInputError) -> ExampleSet {
        var examples: [Example] = []
        try JSONLines.forEach(path, what: "example file") { line, record throws(ClassificationInputError) in
            let label = try JSONLines.label(record, path: path, line: line)
            guard labels.index(of: label) != nil else {
                throw ClassificationInputError(
                    .invalid, "\(path):\(line): label \(label) is not in the label file (\(labels.names.count) labels)")
            }
            let source: Source
            switch (record["text"], record["document"]) {
            case (.string(let text)?, nil):
                guard text.count <= maximumTextCharacters else {
                    throw ClassificationInputError(
                        .invalid,
                        "\(path):\(line): the text is \(text.count) characters; the limit is \(maximumTextCharacters)")
                }
                source = .text(text)
            case (nil, .string(let key)?) where !key.isEmpty:
                source = .document(key)
            default:
                throw ClassificationInputError(
                    .invalid, "\(path):\(line): an example has a string \"text\" or a string \"document\", not both")
            }
            guard examples.count < maximumExamples else {
                throw ClassificationInputError(
                    .invalid, "\(path):\(line): more than \(maximumExamples) examples; the limit is \(maximumExamples)")
            }
            examples.append(Example(label: label, source: source))
        }
        return ExampleSet(examples)
    }
}
