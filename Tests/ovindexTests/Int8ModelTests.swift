import Foundation
import TestSupport
import Testing

/// The int8 variant setup makes, used by its short name, and the model-mismatch rule between it and the
/// original: a store records the variant that built it, and neither `run` nor `query` mixes the two.
@Suite(.serialized) struct Int8ModelTests {
    static let int8 = "all-MiniLM-L6-v2-int8"

    let directory: TemporaryDirectory
    let store: String

    init() throws {
        directory = try TemporaryDirectory()
        store = directory.file("int8.sqlite")
        let sample = ProjectPaths.root.appendingPathComponent("data/sample").path
        let indexed = try runOvindex(["run", "--source", sample, "--store", store, "--model", Self.int8, "--quiet"])
        #expect(indexed.status == 0, "\(indexed.stderr)")
    }

    @Test func theStoreRecordsTheVariantAndStatusShowsIt() throws {
        let info = try runOvindex(["store", "info", store])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("\(Self.int8): sentence-transformers/all-MiniLM-L6-v2"), "\(info.stdout)")
        #expect(info.stdout.contains("int8 (nncf "), "\(info.stdout)")

        // Without --model, status checks the store's own model, and says it matches.
        let status = try runOvindex(["status", store, "--no-load"])
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("model      \(Self.int8): found"), "\(status.stdout)")
        #expect(status.stdout.contains("variant    int8 (nncf "), "\(status.stdout)")
        #expect(status.stdout.contains("match      the store's vectors come from this model"), "\(status.stdout)")

        let original = try runOvindex(["status", store, "--model", "all-MiniLM-L6-v2", "--no-load"])
        #expect(original.status == 1)
        #expect(original.stdout.contains("variant    original (f16 weights)"), "\(original.stdout)")
        #expect(original.stdout.contains("match      NO"), "\(original.stdout)")
    }

    @Test func runRefusesToAddVectorsOfTheOtherVariant() throws {
        let sample = ProjectPaths.root.appendingPathComponent("data/sample/faq.jsonl").path
        let mixed = try runOvindex(["run", "--source", sample, "--store", store, "--model", "all-MiniLM-L6-v2"])
        #expect(mixed.status != 0)
        #expect(mixed.stderr.contains("was built with \(Self.int8)"), "\(mixed.stderr)")
        #expect(mixed.stderr.contains("weights"), "\(mixed.stderr)")
        let info = try runOvindex(["store", "info", store])
        #expect(!info.stdout.contains("faq/"), "nothing of the refused run was written")
    }

    @Test func queriesEmbedWithTheStoresVariant() throws {
        // No --model: the store's own model (found by the name it recorded) answers.
        let answered = try runOvindex(["query", "why does the moon change shape", "--store", store, "-k", "1"])
        #expect(answered.status == 0, "\(answered.stderr)")
        #expect(answered.stdout.contains("astronomy/moon-phases.md"), "\(answered.stdout)")

        let refused = try runOvindex([
            "query", "why does the moon change shape", "--store", store, "--model", "all-MiniLM-L6-v2",
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("use --model with the model the store was built with (\(Self.int8))"),
                "\(refused.stderr)")
    }

    @Test func embedTakesTheShortName() throws {
        let result = try runOvindex(["embed", "--model", Self.int8, "--quiet"], input: "The weather is lovely today.\n")
        #expect(result.status == 0, "\(result.stderr)")
        struct Line: Decodable { var embedding: [Float] }
        let line = try JSONDecoder().decode(Line.self, from: Data(result.stdout.utf8))
        #expect(line.embedding.count == 384)
    }
}
