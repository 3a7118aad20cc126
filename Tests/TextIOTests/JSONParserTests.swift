import Testing
import TextIO

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(
            #"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}, "n": 12345678901234567890}"#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"]?.stringValue == "d")
        // Numbers keep their literal text, so big ids survive unchanged.
        #expect(value["n"] == .number("12345678901234567890"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""q\"b\\s\/n\nt\tu\u00e9 \ud83d\ude00""#)
        #expect(value == .string("q\"b\\s/n\nt\tué 😀"))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "expected a string key"),
        ("[1 2]", "expected ',' or ']'"),
        ("\"abc", "unterminated string"),
        ("01", "unexpected text after the JSON value"),
        ("1.", "digits expected after '.'"),
        ("\"\\ud800\"", "unpaired surrogate"),
        ("\"a\u{1}b\"", "unescaped control character"),
        ("tru", "invalid literal"),
        ("{\"a\": 1} x", "unexpected text after the JSON value"),
        ("", "unexpected end of input"),
    ])
    func rejectsInvalidJSONWithAReason(input: String, reason: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
        #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func rejectsDeepNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func writerRoundTripsThroughTheParser() throws {
        var writer = JSONWriter()
        let value = JSONValue.object([
            "text": .string("tab\t quote\" back\\ nul\u{0} é 😀"), "id": .number("7"),
            "list": .array([.null, .bool(true)]),
        ])
        writer.value(value)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(try JSONParser.parse(text) == value)
        #expect(text.contains("\\u0000"))
    }

    @Test func floatsAreShortestRoundTrip() {
        var writer = JSONWriter()
        writer.array([Float(0.1), .nan])
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[0.1, null]")
    }

    @Test func aNameRepeatedInOneObjectIsAnError() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"id": 1, "text": "a", "id": 2}"#) }
        // The same name in two different objects is fine.
        #expect((try? JSONParser.parse(#"[{"id": 1}, {"id": 2}]"#)) != nil)
    }
}
