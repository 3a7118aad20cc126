import TextIO
import Testing

@Suite struct JSONWriterTests {
    @Test func objectsAndArraysAreSeparatedAndClosed() {
        var writer = JSONWriter()
        writer.object { line in
            line.field("id", 7)
            line.field("name", "a \"b\"")
            line.field("missing", nil as String?)
            line.field("nested") { $0.object { $0.field("flag", true) } }
            line.field("empty") { $0.object { _ in } }
            line.field("pairs") { $0.array([[1, 2], [3]]) { writer, pair in writer.array(pair) { $0.integer($1) } } }
            line.field("vector", [Float(0.5), -1])
        }
        #expect(
            writer.text
                == #"{"id": 7, "name": "a \"b\"", "missing": null, "nested": {"flag": true}, "empty": {}, "#
                + #""pairs": [[1, 2], [3]], "vector": [0.5, -1.0]}"#)
    }

    @Test func aReusedWriterStartsAgain() {
        var writer = JSONWriter()
        writer.object { $0.field("a", 1) }
        writer.removeAll()
        writer.object { $0.field("b", 2) }
        #expect(writer.text == #"{"b": 2}"#)
    }

    /// Metadata is hashed in this form (a document's content hash), so it must never change: a changed byte
    /// would re-embed every JSON Lines document of every store on its next run.
    @Test func valueTreesKeepTheirCanonicalForm() {
        let value = JSONValue.object([
            "topic": .string("ops"), "lang": .string("en"), "n": .number("1.50"),
            "tags": .array([.bool(true), .null]),
        ])
        #expect(JSONWriter.canonical(value) == #"{"lang":"en","n":1.50,"tags":[true,null],"topic":"ops"}"#)
        #expect(JSONWriter.quoted("tab\tend") == #""tab\tend""#)
    }

    @Test func alreadyEncodedJSONIsWrittenAsItIs() {
        var writer = JSONWriter()
        writer.object { $0.field("metadata") { $0.encoded(#"{"a":1}"#) } }
        #expect(writer.text == #"{"metadata": {"a":1}}"#)
    }
}
