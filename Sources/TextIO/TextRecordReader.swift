
/// Reads texts one per line, or as JSON Lines records, and checks every line: length limit, UTF-8, JSON.
///
/// A bad line does not stop the reader: it is returned as a failure naming the input, the line and the limit
/// it broke, and the caller decides whether to stop or skip it.
public final class TextRecordReader {
    /// The longest line read when no other limit is given (1,000,000 bytes).
    public static let defaultMaximumLineBytes = 1_000_000

    public enum Format: String, Sendable, CaseIterable {
        /// One text per line (with `pairs`: first and second text separated by a tab).
        case lines
        /// One JSON object per line with `text` (and `pair`, and optionally `id`).
        case jsonLines = "jsonl"
    }

    public let format: Format
    public let pairs: Bool
    /// The JSON Lines field holding the text ("text" unless set).
    public var textField = "text"
    private let reader: LineReader

    /// - Parameters:
    ///   - path: the input file; nil or "-" for standard input.
    ///   - format: nil picks JSON Lines for a name ending in `.jsonl`, else plain lines.
    ///   - maximumLineBytes: the longest line accepted, in bytes.
    public init(path: String?, format: Format?, pairs: Bool = false, maximumLineBytes: Int) throws(TextInputError) {
        self.format = format ?? ((path?.hasSuffix(".jsonl") ?? false) ? .jsonLines : .lines)
        self.pairs = pairs
        reader = try LineReader(path: path, maximumBytes: maximumLineBytes)
    }

    public var inputName: String { reader.path }

    /// The next record or the problem with the next line; nil at the end of the input. Blank lines in JSON
    /// Lines are skipped; in plain lines they are empty texts (the output keeps one row per input line).
    ///
    /// - Throws: `TextInputError` only when reading itself fails.
    public func next() throws(TextInputError) -> Result<TextRecord, TextInputError>? {
        while let line = try reader.next() {
            switch line {
            case .tooLong(let number, let byteCount):
                return .failure(
                    TextInputError(
                        input: reader.path, line: number,
                        message: "line is \(byteCount) bytes, over the limit of \(reader.maximumBytes) bytes"))
            case .text(let number, let bytes):
                if format == .jsonLines && bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return record(number, bytes)
            }
        }
        return nil
    }

    private func failure(_ line: Int, _ message: String) -> Result<TextRecord, TextInputError> {
        .failure(TextInputError(input: reader.path, line: line, message: message))
    }

    private func record(_ number: Int, _ bytes: [UInt8]) -> Result<TextRecord, TextInputError> {
        switch format {
        case .lines:
            if let invalid = UTF8Validation.firstInvalidOffset(bytes) {
                return failure(number, "invalid UTF-8 at byte \(invalid + 1)")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            var record = TextRecord(line: number, id: .number(String(number)), text: text, pair: nil)
            if pairs {
                guard let tab = text.firstIndex(of: "\t") else {
                    return failure(number, "expected two texts separated by a tab")
                }
                record.text = String(text[..<tab])
                record.pair = String(text[text.index(after: tab)...])
            }
            return .success(record)
        case .jsonLines:
            let parsed = bytes.withUnsafeBufferPointer { buffer in
                Result { () throws(JSONParseError) in try JSONParser.parse(buffer) }
            }
            let value: JSONValue
            switch parsed {
            case .success(let parsedValue): value = parsedValue
            case .failure(let error): return failure(number, "invalid JSON: \(error)")
            }
            guard case .object = value else {
                return failure(number, "expected a JSON object, got \(value.kindDescription)")
            }
            guard let text = value[textField]?.stringValue else {
                return failure(
                    number, value[textField] == nil ? "no \"\(textField)\" field" : "\"\(textField)\" is not a string")
            }
            var record = TextRecord(
                line: number, id: value["id"] ?? .number(String(number)), text: text, pair: nil, fields: value)
            if pairs {
                guard let pair = value["pair"]?.stringValue else {
                    return failure(number, value["pair"] == nil ? "no \"pair\" field" : "\"pair\" is not a string")
                }
                record.pair = pair
            }
            return .success(record)
        }
    }

}
