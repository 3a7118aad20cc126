import TextIO

/// The labels a classifier chooses among, each with the descriptions that say what it means: read from JSON
/// Lines `{"label": NAME, "description": TEXT}`, several lines per label allowed (several descriptions).
public struct LabelSet: Sendable, Equatable {
    public struct Label: Sendable, Equatable {
        public var name: String
        public var descriptions: [String]

        public init(name: String, descriptions: [String]) {
            self.name = name
            self.descriptions = descriptions
        }
    }

    /// The most labels one set may have, and the longest a name or a description may be.
    public static let maximumLabels = 1_000
    public static let maximumNameCharacters = 200
    public static let maximumDescriptionCharacters = 2_000
    public static let maximumDescriptionsPerLabel = 100

    /// In the order they first appear in the file.
    public private(set) var labels: [Label]

    public init(_ labels: [Label]) {
        self.labels = labels
    }

    public var names: [String] { labels.map(\.name) }

    /// The index of the label called `name`.
    public func index(of name: String) -> Int? { labels.firstIndex { $0.name == name } }

    /// Reads a label file.
    ///
    /// - Throws: `ClassificationInputError` naming the file and line: a missing file, a line that is not a JSON
    ///   object with a non-empty string "label" and a string "description", a label or description over its
    ///   length, the same description twice for one label, more than `maximumLabels` labels, or no labels.
    public static func read(_ path: String) throws(ClassificationInputError) -> LabelSet {
        var labels: [Label] = []
        var byName: [String: Int] = [:]
        try JSONLines.forEach(path, what: "label file") { line, record throws(ClassificationInputError) in
            let name = try JSONLines.label(record, path: path, line: line)
            guard case .string(let description)? = record["description"] else {
                throw ClassificationInputError(
                    .invalid, "\(path):\(line): \"description\" must be a string (what the label means)")
            }
            guard description.count <= maximumDescriptionCharacters else {
                throw ClassificationInputError(
                    .invalid,
                    "\(path):\(line): the description is \(description.count) characters; the limit is "
                        + "\(maximumDescriptionCharacters)")
            }
            if let index = byName[name] {
                guard !labels[index].descriptions.contains(description) else {
                    throw ClassificationInputError(.invalid, "\(path):\(line): label \(name) has this description twice")
                }
                guard labels[index].descriptions.count < maximumDescriptionsPerLabel else {
                    throw ClassificationInputError(
                        .invalid,
                        "\(path):\(line): label \(name) has more than \(maximumDescriptionsPerLabel) descriptions")
                }
                labels[index].descriptions.append(description)
            } else {
                guard labels.count < maximumLabels else {
                    throw ClassificationInputError(
                        .invalid, "\(path):\(line): more than \(maximumLabels) labels; the limit is \(maximumLabels)")
                }
                byName[name] = labels.count
                labels.append(Label(name: name, descriptions: [description]))
            }
        }
        guard labels.count >= 2 else {
            throw ClassificationInputError(
                .invalid, "\(path) has \(labels.count) label\(labels.count == 1 ? "" : "s"): a classifier needs at least 2")
        }
        return LabelSet(labels)
    }
}

/// Reading the JSON Lines files of classification: one object a line, blank lines skipped.
enum JSONLines {
    /// Calls `body` with each line's number and object.
    static func forEach(
        _ path: String, what: String, _ body: (Int, JSONValue) throws(ClassificationInputError) -> Void
    ) throws(ClassificationInputError) {
        let reader: LineReader
        do {
            reader = try LineReader(path: path, maximumBytes: TextRecordReader.defaultMaximumLineBytes)
        } catch {
            throw ClassificationInputError(.missing, "\(what) \(error.description)")
        }
        var number = 0
        while true {
            let next: LineReader.Line?
            do {
                next = try reader.next()
            } catch {
                throw ClassificationInputError(.missing, "\(what) \(path): \(error.description)")
            }
            guard let next else { return }
            number += 1
            let bytes: [UInt8]
            switch next {
            case .text(_, let text): bytes = Array(text)
            case .tooLong:
                throw ClassificationInputError(
                    .invalid,
                    "\(path):\(number): the line is longer than \(TextRecordReader.defaultMaximumLineBytes) bytes")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if text.allSatisfy(\.isWhitespace) { continue }
            let value: JSONValue
            do {
                value = try JSONParser.parse(text)
            } catch {
                throw ClassificationInputError(.invalid, "\(path):\(number): not a JSON Lines record: \(error)")
            }
            guard case .object = value else {
                throw ClassificationInputError(.invalid, "\(path):\(number): must be a JSON object")
            }
            try body(number, value)
        }
    }

    /// The record's "label": a non-empty string within the length limit.
    static func label(_ record: JSONValue, path: String, line: Int) throws(ClassificationInputError) -> String {
        guard case .string(let name)? = record["label"] else {
            throw ClassificationInputError(.invalid, "\(path):\(line): \"label\" must be a string")
        }
        let trimmed = name.trimmingWhitespace
        guard !trimmed.isEmpty else { throw ClassificationInputError(.invalid, "\(path):\(line): the label is empty") }
        guard name.count <= LabelSet.maximumNameCharacters else {
            throw ClassificationInputError(
                .invalid,
                "\(path):\(line): the label is \(name.count) characters; the limit is \(LabelSet.maximumNameCharacters)")
        }
        return name
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
