import TestSupport
import Testing
import TextIO

@Suite struct TextRecordReaderTests {
    func records(
        _ contents: [UInt8], name: String = "input.txt", format: TextRecordReader.Format? = nil,
        pairs: Bool = false, limit: Int = 100
    ) throws -> [Result<TextRecord, TextInputError>] {
        let directory = try TemporaryDirectory()
        let path = try directory.write(name, bytes: contents)
        let reader = try TextRecordReader(path: path, format: format, pairs: pairs, maximumLineBytes: limit)
        var all: [Result<TextRecord, TextInputError>] = []
        while let next = try reader.next() { all.append(next) }
        return all
    }

    @Test func plainLinesKeepEmptyLinesAndDropCarriageReturns() throws {
        let all = try records(Array("one\r\n\ntwo".utf8))
        let texts = all.compactMap { try? $0.get().text }
        #expect(texts == ["one", "", "two"])
        #expect(all.compactMap { try? $0.get().id } == [.number("1"), .number("2"), .number("3")])
    }

    @Test func lineOverTheLimitIsReportedWithItsNumberAndTheLimit() throws {
        let long = String(repeating: "x", count: 500)
        let all = try records(Array("short\n\(long)\nafter\n".utf8), limit: 100)
        #expect(all.count == 3)
        guard case .failure(let error) = all[1] else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.line == 2)
        #expect(error.description.hasSuffix(":2: line is 500 bytes, over the limit of 100 bytes"))
        #expect((try? all[2].get().text) == "after")
    }

    @Test func invalidUTF8NamesTheLineAndByte() throws {
        let all = try records([0x61, 0x0A, 0x62, 0x63, 0xC3, 0x28, 0x0A])
        guard case .failure(let error) = all[1] else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.line == 2)
        #expect(error.message == "invalid UTF-8 at byte 3")
    }

    @Test func jsonLinesAreChosenByExtensionAndCheckedField() throws {
        let input = """
            {"id": "a", "text": "first"}

            {"text": "no id"}
            {"id": 3, "text": 42}
            oops
            [1, 2]
            """
        let all = try records(Array(input.utf8), name: "texts.jsonl")
        #expect(all.count == 5)
        #expect((try? all[0].get())?.id == .string("a"))
        #expect((try? all[1].get())?.id == .number("3"))  // line number when there is no id
        let messages = all.compactMap { result -> String? in
            if case .failure(let error) = result { return error.message }
            return nil
        }
        #expect(messages.count == 3)
        #expect(messages[0] == "\"text\" is not a string")
        #expect(messages[1].hasPrefix("invalid JSON: unexpected character 'o'"))
        #expect(messages[2] == "expected a JSON object, got an array")
    }

    @Test func pairsComeFromATabOrThePairField() throws {
        let plain = try records(Array("question\tpassage\nno tab\n".utf8), pairs: true)
        #expect((try? plain[0].get())?.pair == "passage")
        if case .failure(let error) = plain[1] {
            #expect(error.message == "expected two texts separated by a tab")
        } else {
            Issue.record("expected a failure")
        }
        let json = try records(Array(#"{"text": "q", "pair": "p"}"#.utf8), format: .jsonLines, pairs: true)
        #expect((try? json[0].get())?.pair == "p")
    }

    @Test func missingFileIsAnError() {
        let error = #expect(throws: TextInputError.self) {
            try TextRecordReader(path: "/nonexistent/input.txt", format: nil, maximumLineBytes: 10)
        }
        #expect(error?.description.contains("/nonexistent/input.txt: cannot open") == true)
    }

    @Test func utf8ValidationFindsTheFirstBadByte() {
        #expect(UTF8Validation.firstInvalidOffset(Array("héllo 😀".utf8)) == nil)
        #expect(UTF8Validation.firstInvalidOffset([0x61, 0xC0, 0x80]) == 1)  // overlong
        #expect(UTF8Validation.firstInvalidOffset([0xED, 0xA0, 0x80]) == 0)  // surrogate
        #expect(UTF8Validation.firstInvalidOffset([0x61, 0x62, 0xF0, 0x9F]) == 2)  // truncated
        #expect(UTF8Validation.firstInvalidOffset([0xF4, 0x90, 0x80, 0x80]) == 0)  // past U+10FFFF
    }
}
