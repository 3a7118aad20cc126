import Store
import Testing
import TextIO

@testable import Pipeline

/// Every rule of the validator, without files, store or model.
@Suite struct ValidatorTests {
    let validator = Validator(maxDocumentBytes: 100, maxChunksPerDocument: 3)

    func document(_ content: ReadDocument.Content, line: Int? = nil) -> ReadDocument {
        ReadDocument(
            key: "k", source: "/corpus/k.txt", input: "/corpus/k.txt", line: line, content: content, contentHash: "h",
            metadata: ["path": .string("k")], sourceIndex: 0)
    }

    func rejection(_ verdict: Validator.Verdict) -> RejectInput? {
        if case .rejected(let reject) = verdict { return reject }
        return nil
    }

    @Test func acceptsTextAndKeepsWhatTheStoreNeeds() {
        guard case .accepted(let accepted) = validator.validate(document(.bytes(Array("Grüße, world".utf8)))) else {
            Issue.record("expected the document to pass")
            return
        }
        #expect(accepted.text == "Grüße, world")
        #expect(accepted.header.key == "k" && accepted.header.contentHash == "h")
        #expect(accepted.header.byteSize == "Grüße, world".utf8.count)
    }

    @Test(arguments: [
        (ReadDocument.Content.oversized(size: 5000), RejectReason.documentTooLarge, "5000 bytes"),
        (.bytes(Array(repeating: 0x61, count: 101)), .documentTooLarge, "101 bytes of text"),
        (.bytes([0x63, 0x61, 0x66, 0xE9]), .invalidUTF8, "at byte 4"),
        (.bytes(Array("abc".utf8) + [0] + Array("d".utf8)), .binaryContent, "NUL byte at offset 3"),
        (.bytes(Array(" \n\t\r ".utf8)), .emptyDocument, "only whitespace"),
        (.bytes(Array("\u{00A0}\u{2003}".utf8)), .emptyDocument, "only whitespace"),
    ])
    func rejectsBadContentWithItsCodeAndDetail(content: ReadDocument.Content, code: RejectReason, detail: String) {
        let reject = rejection(validator.validate(document(content, line: 4)))
        #expect(reject?.code == code)
        #expect(reject?.detail == detail)
        #expect(reject?.line == 4)
        #expect(reject?.kind == .reject)
        // Recorded as rejected with its hash, so it is skipped while unchanged.
        #expect(reject?.document?.contentHash == "h")
        if code == .documentTooLarge { #expect(reject?.limit == "100 bytes") }
    }

    @Test func chunkCountsHaveALowerAndAnUpperBound() {
        let header = DocumentHeader(key: "k", source: "s", input: "s", contentHash: "h", byteSize: 1, metadata: [:])
        #expect(validator.validate(chunks: 0, of: header)?.code == .emptyDocument)
        #expect(validator.validate(chunks: 3, of: header) == nil)
        let tooMany = validator.validate(chunks: 4, of: header)
        #expect(tooMany?.code == .tooManyChunks && tooMany?.limit == "3" && tooMany?.detail == "4 chunks")
    }

    @Test func jsonLinesIdsAreNonEmptyStringsOrPlainIntegers() {
        func id(_ value: JSONValue?) -> String {
            switch Validator.recordID(value, field: "id") {
            case .success(let key): "ok \(key)"
            case .failure(let problem): "\(problem.code.rawValue): \(problem.reason)"
            }
        }
        #expect(id(.string("a-7")) == "ok a-7")
        #expect(id(.number("7")) == "ok 7")
        #expect(id(.number("-12")) == "ok -12")
        #expect(id(.number("-0")) == "ok 0")
        #expect(id(.string("")) == "invalid_field: empty id")
        #expect(id(.number("7.5")) == "invalid_field: id is not a string or an integer")
        #expect(id(.number("1e3")) == "invalid_field: id is not a string or an integer")
        #expect(id(.bool(true)) == "invalid_field: \"id\" is a boolean, not a string or number")
        #expect(id(nil) == "missing_field: no \"id\" field")
        #expect(id(.null) == "missing_field: no \"id\" field")
        if case .failure(let problem) = Validator.recordText(.number("3"), field: "body") {
            #expect(problem.code == .invalidField && problem.reason == "\"body\" is not a string")
        } else {
            Issue.record("a number is not a text")
        }
    }

    @Test func aRepeatedKeyNamesWhereItWasFirstRead() {
        var origins = ValidatingStage.Origins()
        #expect(origins.insert(document(.bytes([0x61]), line: 3)) == nil)
        let earlier = origins.insert(document(.bytes([0x62]), line: 9))
        #expect(earlier?.line == 3)
        let reject = Validator.duplicate(document(.bytes([0x62]), line: 9), firstReadAt: "line 3")
        #expect(reject.code == .duplicateID && reject.line == 9 && reject.document == nil)
        #expect(reject.detail == "\"k\" was first read at line 3")
    }
}
