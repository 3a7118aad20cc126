import Foundation
@testable import Store
import Synthetic
import TestSupport
import Testing

/// Sharded runs as separate worker processes, merged, against one run over the whole corpus.
@Suite(.serialized) struct ScaleOutTests {
    typealias Contents = RunResilienceTests.Contents

    struct Merged: Decodable {
        var shard: String
        var added: Int
        var replaced: Int
        var unchanged: Int
        var chunks: Int
        var rejects: Int
    }

    func corpus(_ directory: TemporaryDirectory, documents: Int) throws -> String {
        let corpus = try GeneratedCorpus.write(
            to: directory.url.appendingPathComponent("corpus"), documents: documents, words: 200)
        try directory.write("corpus/zz-binary.txt", "not\u{0}text")
        return corpus.path
    }

    func runArguments(_ corpus: String, _ store: String) -> [String] {
        ["run", "--source", corpus, "--store", store, "--precision", "f32", "--requests", "1", "--quiet"]
    }

    /// Starts the workers together (they share the machine) and waits for all of them.
    func runWorkers(_ corpus: String, store: String, count: Int) throws {
        let processes = try (0..<count).map { index in
            try startOvindex(runArguments(corpus, store) + ["--shard", "\(index)/\(count)"])
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test func fourWorkersMergedEqualOneRun() throws {
        let directory = try TemporaryDirectory()
        let corpus = try corpus(directory, documents: 48)
        let single = directory.file("single.sqlite")
        #expect(try runOvindex(runArguments(corpus, single)).status == 0)

        try runWorkers(corpus, store: directory.file("index.sqlite"), count: 4)
        let shards = (0..<4).map { directory.file("index.shard-\($0)-of-4.sqlite") }
        // Disjoint shards that together hold every document.
        var keys: [String] = []
        for shard in shards { keys += Array(try Contents(shard).documents.keys) }
        #expect(keys.count == 48 && Set(keys).count == 48)
        #expect(try shards.allSatisfy { try Contents($0).documents.count > 0 })

        let merged = directory.file("merged.sqlite")
        let result = try runOvindex(["merge", merged] + shards + ["--json", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(Merged.self, from: Data($0.utf8))
        }
        #expect(lines.map(\.added).reduce(0, +) == 49)  // 48 documents and the rejected binary file
        #expect(lines.map(\.rejects).reduce(0, +) == 1)

        let expected = try Contents(single)
        let difference = try Contents(merged).vectorDifference(from: expected)
        #expect(difference != nil, "documents or chunks differ")
        #expect((difference ?? 1) < 1e-4)
        let store = try Store(path: merged, mode: .readOnly)
        #expect(try store.statistics().chunks == expected.chunks.count)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM chunks_fts") == Int64(expected.chunks.count))
        #expect(try store.keywordSearch(expected.chunks.values.first!.text, k: 1).count == 1)
        #expect(try store.lastRun()?.status == .completed)

        // Merging a shard again changes nothing.
        let again = try runOvindex(["merge", merged, shards[2], "--json", "--quiet"])
        let line = try JSONDecoder().decode(Merged.self, from: Data(again.stdout.utf8))
        #expect(line.added == 0 && line.replaced == 0 && line.unchanged > 0 && line.rejects == 0)
        #expect(try Contents(merged).vectorDifference(from: expected) == difference)
    }

    @Test func aKilledWorkerRestartedFinishesItsShard() throws {
        let directory = try TemporaryDirectory()
        let corpus = try corpus(directory, documents: 60)
        // One-row batches and per-document commits: the worker is surely killed with work left.
        let definition = try directory.write(
            "slow.json",
            #"""
            {"store": "index.sqlite", "sources": [{"path": "corpus"}], "precision": "f32",
             "batching": {"max_rows": 1}, "commit": {"max_documents": 1},
             "concurrency": {"document_queue": 1, "chunk_queue": 2, "result_queue": 1, "infer_requests": 1}}
            """#)
        let shardStore = directory.file("index.shard-1-of-2.sqlite")
        let process = try startOvindex(["run", definition, "--shard", "1/2", "--quiet"])
        try waitForCommits(shardStore, atLeast: 1, process: process)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let atKill = try Store(path: shardStore, mode: .readOnly).statistics().documents

        let restarted = try runOvindex(["run", definition, "--shard", "1/2", "--quiet"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        let shardTotal = try Store(path: shardStore, mode: .readOnly).statistics().documents
        #expect(atKill >= 1 && atKill < shardTotal, "killed with \(atKill) of \(shardTotal) committed")
        #expect(try runOvindex(["run", definition, "--shard", "0/2", "--quiet"]).status == 0)
        let merged = directory.file("merged.sqlite")
        #expect(
            try runOvindex(["merge", merged, directory.file("index.shard-0-of-2.sqlite"), shardStore, "--quiet"])
                .status == 0)
        let single = directory.file("single.sqlite")
        #expect(try runOvindex(runArguments(corpus, single)).status == 0)
        let difference = try Contents(merged).vectorDifference(from: try Contents(single))
        #expect(difference != nil && (difference ?? 1) < 1e-4)
    }

    @Test func theSchedulersEnvironmentPicksTheShard() throws {
        let directory = try TemporaryDirectory()
        let corpus = try corpus(directory, documents: 6)
        var environment = ProcessInfo.processInfo.environment
        environment["JOB_COMPLETION_INDEX"] = "1"
        let missingCount = try run(
            ProjectPaths.executable, runArguments(corpus, directory.file("k8s.sqlite")), environment: environment)
        #expect(missingCount.status == 64)
        #expect(missingCount.stderr.contains("shard count is unknown"))
        let indexed = try run(
            ProjectPaths.executable, runArguments(corpus, directory.file("k8s.sqlite")) + ["--shards", "3"],
            environment: environment)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.file("k8s.shard-1-of-3.sqlite")))

        environment["JOB_COMPLETION_INDEX"] = nil
        environment["SLURM_ARRAY_TASK_ID"] = "2"
        environment["SLURM_ARRAY_TASK_MIN"] = "1"
        environment["SLURM_ARRAY_TASK_COUNT"] = "2"
        let slurm = try run(
            ProjectPaths.executable, runArguments(corpus, directory.file("slurm.sqlite")), environment: environment)
        #expect(slurm.status == 0, "\(slurm.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.file("slurm.shard-1-of-2.sqlite")))
    }

    @Test func mergeRefusesShardsOfAnotherModelOrOtherSettings() throws {
        let directory = try TemporaryDirectory()
        let corpus = try corpus(directory, documents: 4)
        let good = directory.file("good.sqlite")
        #expect(try runOvindex(runArguments(corpus, good)).status == 0)
        let merged = directory.file("merged.sqlite")
        #expect(try runOvindex(["merge", merged, good, "--quiet"]).status == 0)

        let otherChunks = directory.file("other-chunks.sqlite")
        #expect(try runOvindex(runArguments(corpus, otherChunks) + ["--chunk-tokens", "64"]).status == 0)
        let refused = try runOvindex(["merge", merged, otherChunks])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("cannot merge \(otherChunks)"))
        #expect(refused.stderr.contains("chunk_tokens"))

        let otherModel = directory.file("other-model.sqlite")
        let store = try Store(path: otherModel)
        try store.bind(
            to: ModelIdentity(
                modelID: "someone/else", dimension: 768, pooling: "cls", normalized: false,
                weightsSHA256: String(repeating: "2", count: 64), variant: "x"))
        let wrongModel = try runOvindex(["merge", merged, otherModel])
        #expect(wrongModel.status == 1)
        #expect(wrongModel.stderr.contains("holds vectors of another model"))

        let notAStore = try directory.write("notes.txt", "just text")
        #expect(try runOvindex(["merge", merged, notAStore]).status == 65)
        // Nothing of the refused shards reached the merged store.
        #expect(try Contents(merged).documents == Contents(good).documents)
    }
}
