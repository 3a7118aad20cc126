import Foundation
import TestSupport
import Testing

/// `ovindex classify` on texts and on a store, the classification stage of `ovindex run`, and
/// `ovindex eval --classify`, as users run them, on a small corpus of three topics.
@Suite(.serialized) struct ClassifyCommandTests {
    struct Line: Decodable {
        /// A text's id: a JSON Lines record's own, or its line number.
        struct ID: Decodable, Equatable, ExpressibleByStringLiteral {
            var text: String
            init(stringLiteral value: String) { text = value }
            init(from decoder: any Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let string = try? value.decode(String.self) {
                    text = string
                } else {
                    text = String(try value.decode(Int.self))
                }
            }
        }
        var id: ID?
        var document: String?
        var label: String?
        var score: Float
        var scores: [String: Float]
    }

    static let corpus: [String: String] = [
        "sky/telescopes.txt": "A reflecting telescope gathers starlight with a curved mirror to show faint galaxies and nebulae.",
        "sky/planets.txt": "Jupiter and Saturn are gas giant planets; their moons orbit them as the planets orbit the Sun.",
        "sky/eclipse.txt": "During a total solar eclipse the Moon hides the Sun and the corona glows around the dark disk.",
        "kitchen/bread.txt": "Knead the dough, let it rise overnight, then bake the loaf in a hot oven until the crust is brown.",
        "kitchen/soup.txt": "Simmer onions, carrots and lentils in stock, season with salt and pepper, and serve the soup hot.",
        "kitchen/omelette.txt": "Whisk three eggs with butter in a frying pan and fold the omelette over grated cheese.",
        "net/tcp.txt": "TCP retransmits lost packets and the receiver acknowledges each segment of the byte stream.",
        "net/routers.txt": "A router forwards IP packets between networks by looking up the destination in its routing table.",
        "net/dns.txt": "The DNS resolver asks name servers for the IP address of a host name and caches the answer.",
    ]

    static let labels = """
        {"label": "astronomy", "description": "astronomy: stars, planets, telescopes and the night sky"}
        {"label": "cooking", "description": "cooking: recipes, baking, food and the kitchen"}
        {"label": "networking", "description": "computer networking: packets, routers and internet protocols"}
        """

    let directory: TemporaryDirectory
    let corpus: String
    let labels: String

    init() throws {
        directory = try TemporaryDirectory()
        corpus = directory.file("corpus")
        for (key, text) in Self.corpus { _ = try directory.write("corpus/" + key, text) }
        labels = try directory.write("labels.jsonl", Self.labels)
    }

    func lines(_ result: CommandResult) throws -> [Line] {
        try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    /// The topic a corpus key is about, by its folder.
    static func topic(_ key: String) -> String {
        ["sky": "astronomy", "kitchen": "cooking", "net": "networking"][String(key.prefix { $0 != "/" })] ?? ""
    }

    func index(_ store: String, definition: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        let arguments = definition.map { ["run", $0, "--json", "--quiet"] }
            ?? ["run", "--source", corpus, "--store", store, "--json", "--quiet"]
        return try runOvindex(arguments, environment: environment)
    }

    /// A definition that labels the corpus into metadata field `topic`.
    func classifyingDefinition(store: String, labels: String, examples: String? = nil) throws -> String {
        let classify = examples.map { #", "examples": "\#($0)""# } ?? ""
        return try directory.write(
            "pipeline.json",
            #"""
            {"store": "\#(store)", "sources": [{"path": "\#(corpus)"}],
             "classify": {"field": "topic", "labels": "\#(labels)"\#(classify)}}
            """#)
    }

    func report(_ result: CommandResult) throws -> [String: Any] {
        let line = try #require(result.stdout.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Each indexed document's `topic` metadata (`-` for null), by key.
    func topics(_ store: String) throws -> [String: String] {
        var topics: [String: String] = [:]
        for row in try strings(store, "SELECT key || char(9) || coalesce(json_extract(metadata, '$.topic'), '-') FROM documents") {
            let parts = row.split(separator: "\t").map(String.init)
            topics[parts[0]] = parts[1]
        }
        return topics
    }

    @Test func textsGetTheirNearestLabelWithEveryScore() throws {
        let input = """
            {"id": "a", "text": "The comet's tail points away from the Sun as it nears perihelion."}
            {"id": "b", "text": "Fry the garlic in olive oil before adding the tomatoes and basil."}
            {"id": "c", "text": "The switch learns MAC addresses and floods frames to unknown ports."}
            """
        let result = try runOvindex(["classify", "--labels", labels, "--jsonl"], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let answers = try lines(result)
        #expect(answers.map(\.id) == ["a", "b", "c"])
        #expect(answers.map(\.label) == ["astronomy", "cooking", "networking"])
        for answer in answers {
            #expect(Set(answer.scores.keys) == ["astronomy", "cooking", "networking"])
            #expect(answer.scores[answer.label ?? ""] == answer.score)
            #expect(answer.scores.values.allSatisfy { $0 <= answer.score })
        }
        #expect(result.stderr.contains("method zero-shot"))

        // --top limits the scores to the best; a threshold above every score answers null, stated.
        let top = try runOvindex(["classify", "--labels", labels, "--top", "1", "--threshold", "0.99"], input: "bread dough")
        #expect(top.status == 0, "\(top.stderr)")
        let only = try #require(try lines(top).first)
        #expect(only.label == nil)
        #expect(only.scores.count == 1 && only.scores["cooking"] != nil)
        #expect(top.stderr.contains("threshold 0.9900"))
    }

    @Test func aStoreIsLabelledFromItsVectorsAndExamplesMoveTheLabels() throws {
        let store = directory.file("store.sqlite")
        let indexed = try index(store)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        let json = try runOvindex(["classify", "--store", store, "--labels", labels, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let answers = try lines(json)
        #expect(Set(answers.compactMap(\.document)) == Set(Self.corpus.keys))
        for answer in answers { #expect(answer.label == Self.topic(answer.document ?? ""), "\(answer)") }

        let table = try runOvindex(["classify", "--store", store, "--labels", labels, "--quiet"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.isEmpty)
        let rows = table.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == Self.corpus.count)
        #expect(rows.allSatisfy { $0.count == 3 && $0[1] == Self.topic($0[0]) })

        // Examples given as stored documents and as texts: a label set where "kitchen" and "sky" mean the
        // opposite of their descriptions shows the examples outweigh the descriptions.
        let swapped = try directory.write(
            "swapped.jsonl",
            """
            {"label": "first", "description": "astronomy"}
            {"label": "second", "description": "cooking"}
            """)
        let examples = try directory.write(
            "examples.jsonl",
            (["kitchen/bread.txt", "kitchen/soup.txt", "kitchen/omelette.txt"].map { #"{"label": "first", "document": "\#($0)"}"# }
                + ["sky/planets.txt", "sky/eclipse.txt", "sky/telescopes.txt"].map { #"{"label": "second", "document": "\#($0)"}"# }
                + [#"{"label": "first", "text": "a recipe for pancakes"}"#, #"{"label": "second", "text": "the stars of Orion"}"#])
                .joined(separator: "\n"))
        let learned = try runOvindex(
            ["classify", "--store", store, "--labels", swapped, "--examples", examples, "--json", "--threshold", "0"])
        #expect(learned.status == 0, "\(learned.stderr)")
        #expect(learned.stderr.contains("method logistic"))
        let byKey = Dictionary(uniqueKeysWithValues: try lines(learned).map { ($0.document ?? "", $0.label) })
        #expect(byKey["kitchen/bread.txt"] == "first")
        #expect(byKey["sky/eclipse.txt"] == "second")
    }

    @Test func badLabelsAndExamplesAreNamedAndNothingIsWritten() throws {
        let store = directory.file("store.sqlite")
        #expect(try index(store).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        let cases: [(file: String?, arguments: [String], status: Int32, message: String)] = [
            (nil, ["--labels", directory.file("missing.jsonl")], 66, "missing.jsonl"),
            ("not json\n", [], 65, "labels.jsonl:1:"),
            (#"{"label": "only", "description": "one label"}"#, [], 65, "at least 2"),
            (#"{"label": "", "description": "x"}"# + "\n" + #"{"label": "b", "description": "y"}"#, [], 65, "labels.jsonl:1:"),
            (
                (0...1000).map { #"{"label": "l\#($0)", "description": "d"}"# }.joined(separator: "\n"), [], 65,
                "the limit is 1000"
            ),
        ]
        for (index, item) in cases.enumerated() {
            var arguments = ["classify", "--store", store, "--json"]
            if let file = item.file {
                arguments += ["--labels", try directory.write("bad\(index)/labels.jsonl", file)]
            }
            let result = try runOvindex(arguments + item.arguments)
            #expect(result.status == item.status, "\(item.message): \(result.stderr)")
            #expect(result.stderr.contains(item.message), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let examples = try directory.write("examples.jsonl", #"{"label": "cooking", "document": "no/such.txt"}"#)
        let missing = try runOvindex(["classify", "--store", store, "--labels", labels, "--examples", examples])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no/such.txt is not in"), "\(missing.stderr)")
        let unknown = try directory.write("unknown.jsonl", #"{"label": "gardening", "text": "weeds"}"#)
        let notALabel = try runOvindex(["classify", "--labels", labels, "--examples", unknown], input: "x")
        #expect(notALabel.status == 65)
        #expect(notALabel.stderr.contains("unknown.jsonl:1: label gardening is not in the label file"), "\(notALabel.stderr)")
        let noLabels = try runOvindex(["classify"], input: "x")
        #expect(noLabels.status == 64)
        #expect(noLabels.stderr.contains("--labels"))

        // A store embedded by one model refuses descriptions and texts embedded by another (the tests' stores
        // are built with the default model: OVINDEX_PROBE=off).
        let mismatch = try runOvindex(
            ["classify", "--store", store, "--labels", labels, "--model", "all-MiniLM-L6-v2-int8"])
        #expect(mismatch.status != 0)
        #expect(mismatch.stderr.contains("was built with all-MiniLM-L6-v2:"), "\(mismatch.stderr)")
        #expect(mismatch.stdout.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }

    @Test func aRunLabelsItsDocumentsForFiltersAndExportAndRelabelsWithoutEmbedding() throws {
        let store = directory.file("store.sqlite")
        let definition = try classifyingDefinition(store: store, labels: labels)
        let first = try index(store, definition: definition)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try report(first)["documents_relabelled"] as? Int == 0)
        let labelled = try topics(store)
        #expect(labelled == Dictionary(uniqueKeysWithValues: Self.corpus.keys.map { ($0, Self.topic($0)) }))

        let info = try runOvindex(["store", "info", store])
        #expect(info.stdout.contains("labels     topic: astronomy, cooking, networking (zero-shot, 0 examples, threshold none)"), "\(info.stdout)")

        // The labels filter queries and travel with the export.
        let query = try runOvindex(["query", "anything at all", "--store", store, "--filter", "topic=cooking", "--json"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.stdout.contains("kitchen/") && !query.stdout.contains("sky/") && !query.stdout.contains("net/"))
        let unfiltered = try runOvindex(["query", "anything at all", "--store", store, "--json", "-k", "9"])
        #expect(unfiltered.stdout.contains("sky/"), "the filter, not the query, kept the others out")
        let export = try runOvindex(["export", store])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.split(separator: "\n").allSatisfy { $0.contains(#""topic":""#) && $0.contains(#""topic_score":"#) })

        // A nightly run with the same labels touches nothing.
        let stamps = try strings(store, "SELECT key || updated_at || metadata FROM documents ORDER BY key")
        let again = try index(store, definition: definition)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try report(again)["documents_relabelled"] as? Int == 0)
        #expect(try strings(store, "SELECT key || updated_at || metadata FROM documents ORDER BY key") == stamps)

        // New labels: a dry run counts what would change; the run relabels from the stored vectors, as
        // `classify --store` labels them.
        _ = try directory.write(
            "labels.jsonl",
            Self.labels + "\n" + #"{"label": "astronomy", "description": "food, eggs, soup and bread"}"#)
        let expected = Dictionary(
            uniqueKeysWithValues: try lines(try runOvindex(["classify", "--store", store, "--labels", labels, "--json"]))
                .map { ($0.document ?? "", $0.label ?? "-") })
        let changing = expected.filter { labelled[$0.key] != $0.value }.count
        #expect(changing > 0, "the new description moves some documents")
        let dry = try runOvindex(["run", definition, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains(", \(changing) labels would change"), "\(dry.stderr)")
        #expect(try topics(store) == labelled)
        let vectors = try strings(store, "SELECT hex(embedding) FROM vectors ORDER BY chunk_id")
        let relabel = try index(store, definition: definition)
        #expect(relabel.status == 0, "\(relabel.stderr)")
        let counts = try report(relabel)
        #expect(counts["embeddings_computed"] as? Int == 0)
        #expect(counts["documents_relabelled"] as? Int == changing)
        #expect(try topics(store) == expected)
        #expect(try strings(store, "SELECT hex(embedding) FROM vectors ORDER BY chunk_id") == vectors)
        struct Answer: Decodable {
            struct Result: Decodable { var document: String }
            var results: [Result]
        }
        let answer = try JSONDecoder().decode(
            Answer.self,
            from: Data(try runOvindex(["query", "anything", "--store", store, "--filter", "topic=cooking", "--json", "-k", "9"]).stdout.utf8))
        #expect(Set(answer.results.map(\.document)) == Set(expected.filter { $0.value == "cooking" }.keys))
    }

    @Test func aFailedRelabelKeepsTheOldLabelsAndTheNextRunFinishesIt() throws {
        let store = directory.file("store.sqlite")
        let definition = try classifyingDefinition(store: store, labels: labels)
        #expect(try index(store, definition: definition).status == 0)
        let labelled = try topics(store)
        let metadata = try strings(store, "SELECT metadata FROM documents ORDER BY key")
        _ = try directory.write(
            "labels.jsonl",
            Self.labels + "\n" + #"{"label": "networking", "description": "the Sun, the Moon and the planets"}"#)
        let failed = try index(store, definition: definition, environment: ["OVINDEX_FAULTS": "relabel"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("labelling the stored documents again"), "\(failed.stderr)")
        #expect(try report(failed)["outcome"] as? String == "failed")
        #expect(try strings(store, "SELECT metadata FROM documents ORDER BY key") == metadata)
        #expect(try strings(store, "SELECT status FROM runs ORDER BY id DESC LIMIT 1") == ["failed"])

        let resumed = try index(store, definition: definition)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try report(resumed)["embeddings_computed"] as? Int == 0)
        // Where a run that never failed would end: the same labels as a fresh store labelled with these labels.
        let fresh = directory.file("fresh.sqlite")
        let freshDefinition = try classifyingDefinition(store: fresh, labels: labels)
        #expect(try index(fresh, definition: freshDefinition).status == 0)
        #expect(try topics(store) == topics(fresh))
        #expect(try topics(store) != labelled)
    }

    @Test func aDefinitionsClassifyStageIsCheckedBeforeAnythingIsWritten() throws {
        let store = directory.file("store.sqlite")
        for (classify, message) in [
            (#"{"field": "", "labels": "x"}"#, "field"),
            (#"{"field": "topic_score", "labels": "x"}"#, "_score"),
            (#"{"field": "topic"}"#, "labels"),
            (#"{"field": "topic", "labels": "l.jsonl", "colour": 1}"#, "colour"),
        ] {
            let definition = try directory.write(
                "bad.json", #"{"store": "\#(store)", "sources": [{"path": "\#(corpus)"}], "classify": \#(classify)}"#)
            let result = try runOvindex(["run", definition, "--quiet"])
            #expect(result.status == 64, "\(classify): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
        let missing = try classifyingDefinition(store: store, labels: directory.file("nowhere.jsonl"))
        let result = try runOvindex(["run", missing, "--quiet"])
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("nowhere.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test func evalScoresTheClassifierOnAGoldSet() throws {
        let store = directory.file("store.sqlite")
        #expect(try index(store).status == 0)
        let gold = try directory.write(
            "gold.jsonl",
            Self.corpus.keys.sorted().map { #"{"document": "\#($0)", "label": "\#(Self.topic($0))"}"# }
                .joined(separator: "\n"))
        let table = try runOvindex(["eval", "--store", store, "--classify", gold, "--labels", labels])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("macro-F1"), "\(table.stdout)")
        let json = try runOvindex(
            ["eval", "--store", store, "--classify", gold, "--labels", labels, "--json", "--examples-per-label", "1", "--seed", "7"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["accuracy"] as? Double == 1, "\(json.stdout)")
        #expect(object["items"] as? Int == 6)
        #expect(object["seed"] as? Int == 7)
    }
}
