import Classification
import Host
import TestSupport
import Testing

/// Label and example files: what they hold, and every mistake named with its file, line and limit.
@Suite struct LabelSetTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func labels(_ text: String) throws -> LabelSet {
        try LabelSet.read(try directory.write("labels.jsonl", text))
    }

    @Test func severalLinesPerLabelAreSeveralDescriptionsInFirstSeenOrder() throws {
        let set = try labels(
            """
            {"label": "billing", "description": "invoices and payments"}
            {"label": "outage", "description": "the service is down"}

            {"label": "billing", "description": "refunds"}
            """)
        #expect(set.names == ["billing", "outage"])
        #expect(set.labels[0].descriptions == ["invoices and payments", "refunds"])
        #expect(set.index(of: "outage") == 1)
    }

    @Test(arguments: [
        ("{\"label\": \"a\"}\n", "labels.jsonl:1: \"description\" must be a string"),
        ("{\"label\": \" \", \"description\": \"x\"}\n", "labels.jsonl:1: the label is empty"),
        ("{\"label\": 3, \"description\": \"x\"}\n", "labels.jsonl:1: \"label\" must be a string"),
        ("not json\n", "labels.jsonl:1: not a JSON Lines record"),
        ("[1]\n", "labels.jsonl:1: must be a JSON object"),
        ("{\"label\": \"a\", \"description\": \"x\"}\n{\"label\": \"a\", \"description\": \"x\"}\n",
            "labels.jsonl:2: label a has this description twice"),
        ("{\"label\": \"a\", \"description\": \"x\"}\n", "has 1 label: a classifier needs at least 2"),
    ])
    func badLabelFilesAreDataErrorsNamingTheLine(text: String, message: String) throws {
        let error = #expect(throws: ClassificationInputError.self) { try labels(text) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error.map { Host.ExitStatus(for: $0) } == .dataError)
    }

    @Test func limitsAreNamed() throws {
        let many = (0...LabelSet.maximumLabels).map { #"{"label": "l\#($0)", "description": "d"}"# }
        let tooMany = #expect(throws: ClassificationInputError.self) { try labels(many.joined(separator: "\n")) }
        #expect(tooMany?.message.contains("more than 1000 labels; the limit is 1000") == true)
        let long = String(repeating: "x", count: LabelSet.maximumDescriptionCharacters + 1)
        let tooLong = #expect(throws: ClassificationInputError.self) {
            try labels(#"{"label": "a", "description": "\#(long)"}"#)
        }
        #expect(tooLong?.message.contains("the limit is 2000") == true)
    }

    @Test func aMissingFileIsMissingInput() {
        let error = #expect(throws: ClassificationInputError.self) { try LabelSet.read(directory.file("none.jsonl")) }
        #expect(error?.kind == .missing)
        #expect(error.map { Host.ExitStatus(for: $0) } == .noInput)
    }

    @Test func examplesAreTextsOrDocumentsOfKnownLabels() throws {
        let set = try labels(
            """
            {"label": "a", "description": "first"}
            {"label": "b", "description": "second"}
            """)
        let examples = try ExampleSet.read(
            try directory.write(
                "examples.jsonl",
                """
                {"label": "a", "text": "one"}
                {"label": "b", "document": "doc-7"}
                """), labels: set)
        #expect(examples.examples.map(\.source) == [.text("one"), .document("doc-7")])
        #expect(examples.documentKeys == ["doc-7"])
        for (text, message) in [
            (#"{"label": "c", "text": "x"}"#, "label c is not in the label file"),
            (#"{"label": "a", "text": "x", "document": "k"}"#, "not both"),
            (#"{"label": "a"}"#, "not both"),
            (#"{"label": "a", "document": ""}"#, "not both"),
        ] {
            let error = #expect(throws: ClassificationInputError.self) {
                try ExampleSet.read(try directory.write("bad.jsonl", text), labels: set)
            }
            #expect(error?.message.contains("bad.jsonl:1: ") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
    }
}
