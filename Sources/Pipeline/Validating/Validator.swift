public import Host
public import Store
public import TextIO

/// Every rule a document must pass to be chunked and embedded, in one place: pure functions of their input (no
/// files, no store, no model), so each is unit-tested alone. The validating stage applies `validate` and
/// `duplicate`; the chunking stage `validate(chunks:of:)`; the JSON Lines reader `recordID` and `recordText`.
/// Every refusal is a `RejectInput` with its `RejectReason` code, the limit it broke and what was found.
public struct Validator: Sendable {
    public enum Verdict: Sendable, Equatable {
        case accepted(SourceDocument)
        case rejected(RejectInput)
    }

    /// A JSON Lines field that breaks a rule.
    public struct FieldProblem: Error, Sendable, Equatable {
        public var code: RejectReason
        /// The problem in words, naming the field.
        public var reason: String
        public var detail: String?
    }

    public let maxDocumentBytes: Int
    public let maxChunksPerDocument: Int

    public init(maxDocumentBytes: Int, maxChunksPerDocument: Int) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxChunksPerDocument = maxChunksPerDocument
    }

    public init(_ definition: PipelineDefinition) {
        self.init(
            maxDocumentBytes: definition.maxDocumentBytes, maxChunksPerDocument: definition.maxChunksPerDocument)
    }

    /// A read document's content: within the size limit, valid UTF-8, no NUL byte (binary), not only whitespace.
    /// A rejected document is recorded as such (with its hash), so it is skipped while it is unchanged.
    public func validate(_ document: ReadDocument) -> Verdict {
        let header = DocumentHeader(
            key: document.key, source: document.source, input: document.input, line: document.line,
            contentHash: document.contentHash, byteSize: document.byteSize, metadata: document.metadata)
        func reject(_ code: RejectReason, limit: String? = nil, detail: String) -> Verdict {
            .rejected(
                RejectInput(
                    input: document.input, line: document.line, code: code, limit: limit, detail: detail,
                    document: .init(header)))
        }
        let bytes: [UInt8]
        switch document.content {
        case .oversized(let size):
            return reject(.documentTooLarge, limit: "\(maxDocumentBytes) bytes", detail: "\(size) bytes")
        case .bytes(let content):
            bytes = content
        }
        if bytes.count > maxDocumentBytes {
            return reject(.documentTooLarge, limit: "\(maxDocumentBytes) bytes", detail: "\(bytes.count) bytes of text")
        }
        if let invalid = UTF8Validation.firstInvalidOffset(bytes) {
            return reject(.invalidUTF8, detail: "at byte \(invalid + 1)")
        }
        if let nul = bytes.firstIndex(of: 0) {
            return reject(.binaryContent, detail: "NUL byte at offset \(nul)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if bytes.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
            || text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
        {
            return reject(.emptyDocument, detail: "only whitespace")
        }
        return .accepted(SourceDocument(header: header, text: text))
    }

    /// A document's chunk count: at least one (text is left after normalization), at most the limit.
    public func validate(chunks count: Int, of header: DocumentHeader) -> RejectInput? {
        if count == 0 {
            return RejectInput(
                input: header.input, line: header.line, code: .emptyDocument, detail: "no text left after normalization",
                document: .init(header))
        }
        if count > maxChunksPerDocument {
            return RejectInput(
                input: header.input, line: header.line, code: .tooManyChunks, limit: "\(maxChunksPerDocument)",
                detail: "\(count) chunks", document: .init(header))
        }
        return nil
    }

    /// A document whose key was read before in this run (`place`: where it was first read).
    public static func duplicate(_ document: ReadDocument, firstReadAt place: String) -> RejectInput {
        RejectInput(
            input: document.input, line: document.line, code: .duplicateID,
            detail: "\(quoted(document.key)) was first read at \(place)")
    }

    /// A JSON Lines record's id: a non-empty string, or an integer written in plain digits. `7` and `"7"` name
    /// the same document; `7.0` and `1e3` are refused, as one number can be written many ways.
    public static func recordID(_ value: JSONValue?, field: String) -> Result<String, FieldProblem> {
        switch value {
        case .string(let text)?:
            guard !text.isEmpty else {
                return .failure(FieldProblem(code: .invalidField, reason: "empty id", detail: "\"\(field)\" is \"\""))
            }
            return .success(text)
        case .number(let literal)?:
            let digits = literal.hasPrefix("-") ? literal.dropFirst() : literal[...]
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(
                    FieldProblem(
                        code: .invalidField, reason: "id is not a string or an integer",
                        detail: "\"\(field)\" is \(literal)"))
            }
            // -0 is 0: one number, one id.
            return .success(digits.allSatisfy { $0 == "0" } ? "0" : literal)
        case nil, .null?:
            return .failure(FieldProblem(code: .missingField, reason: "no \"\(field)\" field"))
        case let other?:
            return .failure(
                FieldProblem(
                    code: .invalidField, reason: "\"\(field)\" is \(other.kindDescription), not a string or number"))
        }
    }

    /// A JSON Lines record's text: a string (whether it is empty or valid is `validate`'s question).
    public static func recordText(_ value: JSONValue?, field: String) -> Result<String, FieldProblem> {
        switch value {
        case .string(let text)?: .success(text)
        case nil, .null?: .failure(FieldProblem(code: .missingField, reason: "no \"\(field)\" field"))
        case .some: .failure(FieldProblem(code: .invalidField, reason: "\"\(field)\" is not a string"))
        }
    }

    static func quoted(_ key: String) -> String {
        JSONWriter.quoted(key)
    }
}

extension Validator.FieldProblem: ExitStatusError {
    public var exitStatus: ExitStatus { .failure }
}
