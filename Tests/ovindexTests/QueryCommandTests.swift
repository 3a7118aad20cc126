import Foundation
@testable import Store
import TestSupport
import Testing

/// `ovindex query`, `rerank` and `eval` as users run them, on the sample corpus indexed by `ovindex run`.
@Suite(.serialized) struct QueryCommandTests {
    struct Line: Decodable {
        struct Result: Decodable {
            var document: String
            var source: String
            var chunk: Int
            var score: Float
            var rerank_score: Float?
            var context: String?
            var section: String?
            var text: String
        }
        var id: String?
        var query: String?
        var results: [Result]?
        var error: String?
    }

    let directory: TemporaryDirectory
    let store: String

    init() throws {
        directory = try TemporaryDirectory()
        store = directory.file("sample.sqlite")
        let definition = ProjectPaths.root.appendingPathComponent("pipelines/sample.json").path
        let indexed = try runOvindex(["run", definition, "--store", store, "--quiet"])
        #expect(indexed.status == 0, "\(indexed.stderr)")
    }

    func lines(_ result: CommandResult) throws -> [Line] {
        try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    @Test func aQueryPrintsTheBestDocumentsAsJSONAndAsATable() throws {
        let json = try runOvindex(["query", "why does the moon change shape", "--store", store, "-k", "3", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let answer = try #require(try lines(json).first)
        #expect(answer.query == "why does the moon change shape")
        let results = try #require(answer.results)
        #expect(results.count == 3)
        #expect(results.first?.document == "astronomy/moon-phases.md")
        #expect(Set(results.map(\.document)).count == 3)
        #expect(results.first?.source.hasSuffix("data/sample/astronomy/moon-phases.md") == true)
        // The default query reranked every result, and each carries its document's title.
        #expect(results.allSatisfy { $0.rerank_score != nil && $0.context?.isEmpty == false })

        let table = try runOvindex(["query", "why does the moon change shape", "--store", store, "-k", "2"])
        #expect(table.status == 0)
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.first?.hasPrefix("rank  score") == true)
        #expect(rows.count == 3)
        #expect(rows[1].contains("astronomy/moon-phases.md"))
    }

    @Test func aRunKeepsTokenStatesAndTheDefaultQueryRerankesWithOrWithoutThem() throws {
        let keeping = try Store(path: store, mode: .readOnly)
        let chunks = try #require(try keeping.connection.scalarInt("SELECT count(*) FROM chunks"))
        #expect(chunks > 0)
        #expect(try keeping.connection.scalarInt("SELECT count(*) FROM chunk_states") == chunks)
        #expect(try keeping.connection.scalarInt("SELECT count(*) FROM chunks WHERE context = ''") == 0)
        // The same corpus without kept states: the default query runs the model over the candidates instead.
        let definition = directory.file("none.json")
        try Data(
            """
            {"store": "none.sqlite", "token_states": "none",
             "sources": [{"path": "\(ProjectPaths.root.appendingPathComponent("data/sample").path)"}],
             "chunking": {"max_tokens": 128, "overlap_tokens": 24}}
            """.utf8
        ).write(to: URL(fileURLWithPath: definition))
        let indexed = try runOvindex(["run", definition, "--quiet"])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        let bare = directory.file("none.sqlite")
        #expect(try Store(path: bare, mode: .readOnly).connection.scalarInt("SELECT count(*) FROM chunk_states") == 0)
        let question = "why does the moon change shape"
        for path in [store, bare] {
            let answer = try runOvindex(["query", question, "--store", path, "-k", "3", "--json"])
            #expect(answer.status == 0, "\(answer.stderr)")
            #expect(try lines(answer).first?.results?.first?.document == "astronomy/moon-phases.md", "\(path)")
            // Without kept states the user is told why reranking is slow and what to do.
            #expect(answer.stderr.contains("keeps no token states") == (path == bare), "\(answer.stderr)")
        }
        let info = try runOvindex(["store", "info", bare])
        #expect(info.stdout.contains("states     0 chunks keep token states"), "\(info.stdout)")
        #expect(info.stdout.contains("index into a new store to keep them all"))
    }

    @Test func filtersChunksAndEveryModeAndRerankStageRun() throws {
        let filtered = try runOvindex([
            "query", "how do I index a file", "--store", store, "--filter", "lang=fr", "--json", "--mode", "vector",
        ])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        #expect(try lines(filtered).first?.results?.map(\.document) == ["faq/faq-8"])
        let prefix = try runOvindex([
            "query", "bread", "--store", store, "--source-prefix", ProjectPaths.root.path + "/data/sample/cooking/",
            "--json", "--chunks", "-k", "50",
        ])
        let documents = try lines(prefix).first?.results?.map(\.document) ?? []
        #expect(Set(documents) == ["cooking/sourdough.md", "cooking/knife-skills.txt"])
        #expect(documents.count > 2)  // --chunks: several chunks of one document
        for (mode, rerank) in [("keyword", "late-interaction"), ("hybrid", "late-interaction"), ("vector", "none")] {
            let result = try runOvindex([
                "query", "sourdough starter feeding", "--store", store, "--mode", mode, "--rerank", rerank, "--json",
                "-k", "3",
            ])
            #expect(result.status == 0, "\(mode) \(rerank): \(result.stderr)")
            #expect(try lines(result).first?.results?.first?.document == "cooking/sourdough.md", "\(mode) \(rerank)")
        }
        let crossEncoder = try runOvindex([
            "query", "sourdough", "--store", store, "--rerank", "cross-encoder", "--reranker",
            ProjectPaths.root.appendingPathComponent(".deps/test-models/tiny-cross-encoder").path, "--json", "-k", "4",
        ])
        #expect(crossEncoder.status == 0, "\(crossEncoder.stderr)")
        #expect(try lines(crossEncoder).first?.results?.count == 4)
    }

    @Test func aQueriesFileIsAnsweredLineByLineAndBadLinesAreReportedNotLost() throws {
        let long = String(repeating: "word ", count: 500)
        let file = try directory.write(
            "queries.jsonl",
            """
            {"id": "q1", "query": "lighthouse keepers"}
            {"id": "q2", "query": "\(long)"}
            not json
            {"id": "q4", "query": "composting kitchen scraps"}

            """)
        let result = try runOvindex(["query", "--queries", file, "--store", store, "--json", "-k", "2"])
        #expect(result.status == 65)
        let output = try lines(result)
        #expect(output.count == 4)
        #expect(output[0].id == "q1" && output[0].results?.first?.document == "history/lighthouses.txt")
        #expect(output[1].id == "q2" && output[1].error?.contains("queries.jsonl:2: the query is 2500 characters; the limit is 2000") == true)
        #expect(output[2].error?.contains("queries.jsonl:3: invalid JSON") == true)
        #expect(output[3].id == "q4" && output[3].results?.first?.document == "gardening/composting.md")
        #expect(result.stderr.contains("2 queries refused"))
    }

    @Test func badArgumentsAreUsageErrorsNamingTheLimit() throws {
        let cases: [([String], Int32, String)] = [
            (["query", "x", "--store", store, "-k", "51"], 64, "-k"),
            (["query", "x", "--store", store, "--candidates", "500"], 64, "--candidates"),
            (["query", "x"], 64, "--store PATH is required"),
            (["query", "x", "--store", store, "--rerank", "cross-encoder"], 64, "needs --reranker"),
            (["query", "--store", store], 64, "either a query TEXT or --queries FILE"),
            (["query", "x", "--store", directory.file("missing.sqlite")], 66, "missing.sqlite"),
            (["query", "x", "--store", store, "--mode", "fuzzy"], 64, "--mode"),
            (["eval", "--store", store], 64, "give --queries FILE or --classify GOLD"),
            (["rerank", "a.txt"], 64, "--query TEXT is required"),
        ]
        for (arguments, status, message) in cases {
            let result = try runOvindex(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func rerankOrdersTheUsersPassages() throws {
        let file = try directory.write(
            "passages.jsonl",
            """
            {"id": "p1", "text": "The printing press spread books across Europe."}
            {"id": "p2", "text": "Feed the sourdough starter with flour and water every day."}
            {"id": "p3", "text": "Comets grow tails when they come close to the sun."}

            """)
        let result = try runOvindex(["rerank", "--query", "how do I keep my sourdough starter alive", file, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        struct Ranked: Decodable {
            var rank: Int
            var id: String
            var score: Float
        }
        let ranked = try result.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Ranked.self, from: Data($0.utf8))
        }
        #expect(ranked.map(\.rank) == [1, 2, 3])
        #expect(ranked.first?.id == "p2")
        #expect(ranked[0].score > ranked[1].score && ranked[1].score >= ranked[2].score)

        let many = (0..<201).map { "passage \($0)" }.joined(separator: "\n") + "\n"
        let tooMany = try runOvindex(["rerank", "--query", "x", "-"], input: many)
        #expect(tooMany.status == 65)
        #expect(tooMany.stderr.contains("more than 200 passages"))
    }

    @Test func aTraceThatCannotBeWrittenIsAnErrorNotASilentSuccess() throws {
        let file = try directory.write(
            "trace-questions.jsonl", #"{"query": "phases of the moon", "relevant": "astronomy/moon-phases.md"}"# + "\n")
        let unwritable = try runOvindex([
            "eval", "--store", store, "--queries", file, "--trace", directory.file("missing/folder/trace.jsonl"),
        ])
        #expect(unwritable.status == 73, "\(unwritable.stderr)")
        #expect(unwritable.stderr.contains("cannot create"))
        // Written, it holds one line per question with both lists and a score for every candidate.
        let trace = directory.file("trace.jsonl")
        let written = try runOvindex(["eval", "--store", store, "--queries", file, "--trace", trace, "--quiet"])
        #expect(written.status == 0, "\(written.stderr)")
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let vector = try #require(line["vector"] as? [[Any]])
        let keyword = try #require(line["keyword"] as? [[Any]])
        let late = try #require(line["late"] as? [String: Double])
        #expect(!vector.isEmpty && late.count >= vector.count)
        #expect(Set(late.keys) == Set((vector + keyword).compactMap { ($0.first as? Int).map(String.init) }))
    }

    @Test func evalReportsRecallMRRAndLatencyPerModeAndStage() throws {
        let file = try directory.write(
            "eval.jsonl",
            """
            {"query": "phases of the moon", "relevant": "astronomy/moon-phases.md"}
            {"query": "write-ahead logging in SQLite", "relevant": ["computing/sqlite-wal.md"]}
            {"query": "how to pack a small bag for a trip", "relevant": "travel/packing-light.md"}
            {"query": "why do birds fly south", "relevant": "nature/bird-migration.md"}

            """)
        let result = try runOvindex([
            "eval", "--store", store, "--queries", file, "--mode", "vector,keyword", "--rerank", "none,late-interaction",
            "--json", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        struct Row: Decodable {
            var mode: String
            var rerank: String
            var queries: Int
            var recall_at_1: Double
            var recall_at_10: Double
            var mrr_at_10: Double
            var p50_ms: Double
            var p95_ms: Double
        }
        let rows = try result.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Row.self, from: Data($0.utf8))
        }
        #expect(rows.map { "\($0.mode)+\($0.rerank)" } == [
            "vector+none", "vector+late-interaction", "keyword+none", "keyword+late-interaction",
        ])
        for row in rows {
            #expect(row.queries == 4)
            #expect((0...1).contains(row.recall_at_1) && row.recall_at_1 <= row.mrr_at_10 + 1e-9)
            #expect(row.mrr_at_10 <= row.recall_at_10 + 1e-9)
            #expect(row.p50_ms > 0 && row.p50_ms <= row.p95_ms)
        }
        // Easy questions: the vector search finds every answer first.
        #expect(rows[0].recall_at_1 == 1 && rows[0].recall_at_10 == 1)

        let bad = try directory.write("bad.jsonl", #"{"query": "moon"}"# + "\n")
        let refused = try runOvindex(["eval", "--store", store, "--queries", bad])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.jsonl:1: \"relevant\" must be a document id"))
    }
}
