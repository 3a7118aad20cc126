import Foundation
import Store
import TestSupport
import Testing

/// `ovindex run` end to end, with the real model, as users run it.
@Suite(.serialized) struct RunCommandTests {
    struct Report: Decodable {
        var outcome: String
        var documents_seen: Int
        var documents_indexed: Int
        var documents_unchanged: Int
        var documents_rejected: Int
        var documents_pruned: Int
        var rejects: Int
        var chunks: Int
        var tokens: Int
        var embeddings_computed: Int
        var peak_rss_bytes: Int
    }

    func parse(_ result: CommandResult) throws -> Report {
        let line = try #require(result.stdout.split(separator: "\n").last, "no report: \(result.stderr)")
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    @Test func indexesTheSampleCorpusThenSkipsItAll() throws {
        let directory = try TemporaryDirectory()
        let store = directory.file("sample.sqlite")
        let definition = ProjectPaths.root.appendingPathComponent("pipelines/sample.json").path
        let first = try runOvindex(["run", definition, "--store", store, "--json", "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let report = try parse(first)
        #expect(report.outcome == "completed")
        #expect(report.documents_indexed == 24)  // 16 files and 8 JSON Lines records
        #expect(report.rejects == 0)
        #expect(report.chunks >= 40)
        #expect(report.embeddings_computed == report.chunks)
        #expect(report.peak_rss_bytes > 0)

        // Every chunk is a verbatim span of its source file.
        let opened = try Store(path: store, mode: .readOnly)
        let sample = ProjectPaths.root.appendingPathComponent("data/sample")
        try opened.forEachChunk { row in
            guard !row.documentKey.hasPrefix("faq/") else { return }
            let original = try String(contentsOf: sample.appendingPathComponent(row.documentKey), encoding: .utf8)
            #expect(original.contains(row.text), "\(row.documentKey)#\(row.ordinal)")
            #expect(row.vector.count == 384)
        }
        #expect(try opened.keywordSearch("sourdough", k: 1).first?.documentKey == "cooking/sourdough.md")

        let second = try parse(runOvindex(["run", definition, "--store", store, "--json", "--quiet"]))
        #expect(second.documents_unchanged == 24)
        #expect(second.documents_indexed == 0)
        #expect(second.embeddings_computed == 0)
    }

    @Test func aCorpusSaltedWithBadInputsRecordsEveryRejectAndIndexesTheRest() throws {
        let directory = try TemporaryDirectory()
        try directory.write("corpus/good.md", "A good document about gardens and rivers.")
        try directory.write("corpus/also-good.txt", "Another fine text about mountains.")
        try directory.write("corpus/binary.txt", bytes: [0x47, 0x49, 0x46, 0x00, 0x01])
        try directory.write("corpus/latin1.txt", bytes: Array("caf".utf8) + [0xE9])
        try directory.write("corpus/blank.md", "\n   \n")
        try directory.write("corpus/large.txt", String(repeating: "big ", count: 2000))
        try directory.write(
            "records.jsonl",
            """
            {"id": "r1", "text": "A record that is fine."}
            {"id": "r2", "text": ""}
            {"id": "r3"}
            {broken
            """)
        let store = directory.file("s.sqlite")
        let result = try runOvindex([
            "run", "--source", directory.file("corpus"), "--source", directory.file("records.jsonl"), "--store", store,
            "--max-document-bytes", "4000", "--json", "--quiet",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try parse(result)
        #expect(report.documents_indexed == 3)
        #expect(report.rejects == 7)
        let opened = try Store(path: store, mode: .readOnly)
        let reasons = try opened.rejects(limit: 20).map { "\($0.input.split(separator: "/").last ?? ""): \($0.reason)" }
        for expected in [
            "binary.txt: binary content", "latin1.txt: invalid UTF-8", "blank.md: empty document",
            "large.txt: document too large", "records.jsonl: empty document", "records.jsonl: no \"text\" field",
            "records.jsonl: invalid JSON",
        ] {
            #expect(reasons.contains(expected), "\(expected) in \(reasons)")
        }
        let large = try #require(try opened.rejects(limit: 20).first { $0.reason == "document too large" })
        #expect(large.limit == "4000 bytes")
        // An unchanged rejected file is not reported again.
        let again = try parse(
            runOvindex([
                "run", "--source", directory.file("corpus"), "--store", store, "--max-document-bytes", "4000", "--json",
                "--quiet",
            ]))
        #expect(again.rejects == 0)
        #expect(again.documents_unchanged == 6)
    }

    @Test func badDefinitionsAndFlagsAreUsageErrors() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("p.json", #"{"store": "s.sqlite", "sources": [{"path": "d"}], "batch": 4}"#)
        let result = try runOvindex(["run", path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("p.json: batch is not a known field"))
        #expect(try runOvindex(["run"]).status == 64)
        #expect(
            try runOvindex(["run", "--source", "x"]).stderr.contains(
                "give a pipeline definition, or --source and --store"))
    }
}
