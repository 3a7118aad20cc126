import Foundation
import TestSupport
import Testing

@testable import Store

/// `ovindex models` and the choice a new store's run makes from it.
@Suite(.serialized) struct ModelsCommandTests {
    /// Probes once into a cache folder of its own; `faster` then rewrites the figures so that this variant
    /// wins, whatever this machine measured (the choice itself is tested on figures in ModelChoiceTests).
    final class Cache {
        let directory: TemporaryDirectory
        let environment: [String: String]

        init() throws {
            directory = try TemporaryDirectory()
            environment = ["OVINDEX_CACHE_DIR": directory.file("cache"), "OVINDEX_PROBE": "on"]
            let probe = try runOvindex(["models", "probe", "--seconds", "0.3", "--json"], environment: environment)
            #expect(probe.status == 0, "\(probe.stderr)")
        }

        var choiceFile: String { directory.file("cache/machine/model-choice.json") }

        func faster(_ model: String) throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: choiceFile))
            var choice = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
            var candidates = try #require(choice["candidates"] as? [[String: Any]])
            for index in candidates.indices {
                let winner = candidates[index]["model"] as? String == model && candidates[index]["precision"] as? String == "auto"
                candidates[index]["tokensPerSecond"] = winner ? 20_000.0 : 10_000.0
            }
            choice["candidates"] = candidates
            try JSONSerialization.data(withJSONObject: choice).write(to: URL(fileURLWithPath: choiceFile))
        }
    }

    func modelName(_ store: String) throws -> String {
        try #require(try Store(path: store, mode: .readOnly).modelIdentity()?.name)
    }

    @Test func aProbeMeasuresEveryVariantAndRecordsTheChoiceWithTheCPU() throws {
        let cache = try Cache()
        let listed = try runOvindex(["models", "--json"], environment: cache.environment)
        let choices = try #require(
            JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed.stdout)")
        let choice = try #require(choices.first)
        let candidates = try #require(choice["candidates"] as? [[String: Any]])
        let models = Set(candidates.compactMap { $0["model"] as? String })
        #expect(models == ["all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8"])
        #expect(candidates.allSatisfy { ($0["tokensPerSecond"] as? Double ?? 0) > 0 })
        // The original at auto is the reference's own model: it agrees with itself.
        let original = try #require(candidates.first { $0["model"] as? String == "all-MiniLM-L6-v2" })
        #expect((original["meanCosine"] as? Double ?? 0) > 0.999)
        #expect(((choice["processor"] as? [String: Any])?["model"] as? String)?.isEmpty == false)
        let table = try runOvindex(["models"], environment: cache.environment)
        #expect(table.stdout.contains("choice     all-MiniLM-L6-v2"), "\(table.stdout)")
    }

    @Test func shardsOfANewStoreUseTheDefaultModelWhateverThisMachineChose() throws {
        let cache = try Cache()
        try cache.directory.write("corpus/a.txt", "A document about rivers and bread.")
        try cache.faster("all-MiniLM-L6-v2-int8")
        let store = cache.directory.file("index.sqlite")
        let result = try runOvindex(
            ["run", "--source", cache.directory.file("corpus"), "--store", store, "--shard", "0/2"],
            environment: cache.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("every worker"), "the run says why: \(result.stderr)")
        #expect(try modelName(cache.directory.file("index.shard-0-of-2.sqlite")) == "all-MiniLM-L6-v2")
    }

    @Test func aNewStoreIsBuiltWithTheChoiceAndAnExistingStoreKeepsItsModel() throws {
        let cache = try Cache()
        let corpus = try cache.directory.write("corpus/a.txt", "A document about rivers and bread.")
        _ = corpus
        let source = cache.directory.file("corpus")
        try cache.faster("all-MiniLM-L6-v2-int8")
        let int8Store = cache.directory.file("int8.sqlite")
        #expect(try runOvindex(["run", "--source", source, "--store", int8Store, "--quiet"], environment: cache.environment).status == 0)
        #expect(try modelName(int8Store) == "all-MiniLM-L6-v2-int8")
        // The choice changes: new stores follow it, the existing store keeps the model it was built with.
        try cache.faster("all-MiniLM-L6-v2")
        try cache.directory.write("corpus/b.txt", "Another document, about engines.")
        let again = try runOvindex(["run", "--source", source, "--store", int8Store, "--quiet"], environment: cache.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try modelName(int8Store) == "all-MiniLM-L6-v2-int8")
        let newStore = cache.directory.file("new.sqlite")
        #expect(try runOvindex(["run", "--source", source, "--store", newStore, "--quiet"], environment: cache.environment).status == 0)
        #expect(try modelName(newStore) == "all-MiniLM-L6-v2")
        // --model and $OVINDEX_MODEL win over the choice.
        try cache.faster("all-MiniLM-L6-v2-int8")
        let named = cache.directory.file("named.sqlite")
        #expect(
            try runOvindex(
                ["run", "--source", source, "--store", named, "--model", "all-MiniLM-L6-v2", "--quiet"],
                environment: cache.environment
            ).status == 0)
        #expect(try modelName(named) == "all-MiniLM-L6-v2")
        // The compiled models were cached there too.
        let compiled = try FileManager.default.contentsOfDirectory(atPath: cache.directory.file("cache/compiled-models"))
        #expect(!compiled.isEmpty)
    }

    @Test func statusShowsTheChoiceAndWhy() throws {
        let cache = try Cache()
        try cache.faster("all-MiniLM-L6-v2-int8")
        let status = try runOvindex(["status", "--no-load"], environment: cache.environment)
        #expect(status.stdout.contains("default    all-MiniLM-L6-v2-int8 at auto"), "\(status.stdout)")
    }
}
