import Host
import TestSupport
import Testing

@testable import Pipeline

struct ShardTests {
    @Test func theHashIsFNV1aAndStable() {
        // Published FNV-1a 64-bit test vectors.
        #expect(Shard.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.hash("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test func shardsAreDisjointAndCoverEveryKeyFairly() throws {
        let shards = try (0..<4).map { try Shard(index: $0, count: 4) }
        var sizes = [0, 0, 0, 0]
        for number in 0..<4000 {
            let key = "folder/document-\(number).md"
            let owners = shards.filter { $0.owns(key) }
            #expect(owners.count == 1)
            sizes[owners[0].index] += 1
        }
        #expect(sizes.allSatisfy { (850...1150).contains($0) }, "\(sizes)")
        #expect(try Shard(index: 0, count: 1).owns("anything"))
    }

    @Test func parsingAndTheSchedulersEnvironment() throws {
        #expect(try Shard(parsing: "2/8") == Shard(index: 2, count: 8))
        #expect(throws: ShardError.self) { try Shard(parsing: "8/8") }
        #expect(throws: ShardError.self) { try Shard(parsing: "two/8") }
        #expect(throws: ShardError.self) { try Shard(parsing: "1/0") }

        #expect(try Shard.fromEnvironment(Environment([:]), count: 4) == nil)
        // Kubernetes Indexed Job: the index from the environment, the count from the definition or a flag.
        let kubernetes = Environment(["JOB_COMPLETION_INDEX": "3"])
        #expect(try Shard.fromEnvironment(kubernetes, count: 4) == Shard(index: 3, count: 4))
        #expect {
            try Shard.fromEnvironment(kubernetes, count: nil)
        } throws: { "\($0)".contains("shard count is unknown") }
        // Slurm job array --array=1-4: task ids 1...4 are shards 0...3.
        let slurm = Environment(
            ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"])
        #expect(try Shard.fromEnvironment(slurm, count: nil) == Shard(index: 3, count: 4))
        let fromZero = Environment(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(try Shard.fromEnvironment(fromZero, count: nil) == Shard(index: 0, count: 2))
        // A count the definition gives must be Slurm's; every value must be a number; errors name the variable.
        #expect(try Shard.fromEnvironment(fromZero, count: 2) == Shard(index: 0, count: 2))
        #expect {
            try Shard.fromEnvironment(fromZero, count: 3)
        } throws: { "\($0)".contains("SLURM_ARRAY_TASK_COUNT is 2 but the shard count") }
        for (name, value) in [("SLURM_ARRAY_TASK_COUNT", "abc"), ("SLURM_ARRAY_TASK_MIN", "x")] {
            var variables = ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"]
            variables[name] = value
            #expect {
                try Shard.fromEnvironment(Environment(variables), count: nil)
            } throws: { "\($0)" == "\(name) is '\(value)', not a number" }
        }
        #expect {
            try Shard.fromEnvironment(Environment(["JOB_COMPLETION_INDEX": "5"]), count: 2)
        } throws: { "\($0)".hasPrefix("JOB_COMPLETION_INDEX: shard 5 does not exist") }
    }

    @Test func shardStoresGetTheirOwnNames() throws {
        let shard = try Shard(index: 1, count: 4)
        #expect(shard.storePath("var/index.sqlite") == "var/index.shard-1-of-4.sqlite")
        #expect(shard.storePath("/data/shards/{shard}.sqlite") == "/data/shards/1-of-4.sqlite")
        #expect(shard.storePath("var.d/index") == "var.d/index.shard-1-of-4")
        // A recorded definition already names its shard: not named twice.
        #expect(shard.storePath("var/index.shard-1-of-4.sqlite") == "var/index.shard-1-of-4.sqlite")
    }

    @Test func theReaderSkipsOtherShardsDocumentsAndRejectsWithoutReadingThem() async throws {
        let directory = try TemporaryDirectory()
        for number in 0..<40 { try directory.write("docs/doc-\(number).txt", "document number \(number)") }
        try directory.write("docs/bad.txt", "binary\u{0}file")
        let source = PipelineDefinition.Source(path: directory.file("docs"))
        var union: [String] = []
        var rejects = 0
        for index in 0..<3 {
            let reader = CorpusReader(sources: [source], maxDocumentBytes: 1000, shard: try Shard(index: index, count: 3))
            try await reader.read { item in
                switch item {
                case .document(let document):
                    // The NUL byte is the validator's to find: the reader hands the file on.
                    if document.key == "bad.txt" { rejects += 1 } else { union.append(document.key) }
                case .problem: rejects += 1
                case .sourceFinished: break
                }
            }
        }
        #expect(union.count == 40 && Set(union).count == 40)
        #expect(rejects == 1)  // the bad file is recorded by exactly one shard
    }
}
