import Foundation
import Store
import TestSupport
import Testing
import TextIO

/// export, store info/vacuum and status, run as users run them.
@Suite struct StoreCommandsTests {
    static let model = ModelIdentity(
        modelID: "test/model", dimension: 4, pooling: "mean", normalized: true,
        weightsSHA256: String(repeating: "c", count: 64))

    func makeStore(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.file("store.sqlite")
        let store = try Store(path: path)
        try store.bind(to: Self.model)
        func chunk(_ ordinal: Int, _ text: String) -> ChunkInput {
            ChunkInput(
                ordinal: ordinal, text: text, characterStart: 0, characterEnd: text.count, tokenCount: 3,
                embedding: [0.5, 0.5, 0.5, Float(ordinal) / 10])
        }
        let run = try store.beginRun(settings: "{}")
        try store.write(documents: [
            DocumentInput(
                key: "zeta", source: "docs/zeta.md", contentHash: "1", byteSize: 10, metadata: ["lang": .string("en")],
                chunks: [chunk(0, "z zero"), chunk(1, "z \"one\"\n")]),
            DocumentInput(
                key: "alpha", source: "docs/alpha.md", contentHash: "2", byteSize: 5, chunks: [chunk(0, "a zero")]),
        ])
        try store.finishRun(run, status: .completed)
        return path
    }

    @Test func exportStreamsChunksInDocumentOrderAsJSONLines() throws {
        let directory = try TemporaryDirectory()
        let path = try makeStore(directory)
        let result = try runOvindex(["export", path])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try result.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(rows.map { "\($0["document"] ?? "")#\($0["chunk"] ?? "")" } == ["alpha#0", "zeta#0", "zeta#1"])
        #expect(rows[2]["text"] as? String == "z \"one\"\n")
        #expect(rows[2]["source"] as? String == "docs/zeta.md")
        #expect((rows[1]["metadata"] as? [String: String]) == ["lang": "en"])
        #expect((rows[2]["vector"] as? [Double])?.map { Float($0) } == [0.5, 0.5, 0.5, 0.1])

        let toFile = try runOvindex(["export", "--store", path, "--output", directory.file("out.jsonl")])
        #expect(toFile.status == 0)
        #expect(try String(contentsOfFile: directory.file("out.jsonl"), encoding: .utf8) == result.stdout)
    }

    @Test func exportFormatsForVectorDatabasesCarryTheSameRowsAndStableIDs() throws {
        let directory = try TemporaryDirectory()
        let path = try makeStore(directory)
        func lines(_ format: String) throws -> [[String: Any]] {
            let result = try runOvindex(["export", path, "--format", format])
            #expect(result.status == 0, "\(format): \(result.stderr)")
            return try result.stdout.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        let plain = try lines("jsonl")
        let ids = plain.compactMap { $0["id"] as? Int64 }
        #expect(ids.count == 3 && Set(ids).count == 3 && ids.allSatisfy { $0 > 0 })
        // FNV-1a of "alpha#0", top bit cleared (computed in Python): stable across exports and merges.
        #expect(ids[0] == 0x1383_9ea3_f671_5478)

        let qdrant = try lines("qdrant")
        #expect(qdrant.map { $0["id"] as? Int64 } == ids)
        let payload = try #require(qdrant[2]["payload"] as? [String: Any])
        #expect(payload["document"] as? String == "zeta" && payload["text"] as? String == "z \"one\"\n")
        #expect((qdrant[2]["vector"] as? [Double])?.count == 4)

        let milvus = try runOvindex(["export", path, "--format", "milvus"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(milvus.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["id"] as? Int64 } == ids)
        #expect(rows[1]["document"] as? String == "zeta")

        let vespa = try lines("vespa")
        #expect(vespa.map { $0["put"] as? String } == [
            "id:ovindex:chunk::alpha#0", "id:ovindex:chunk::zeta#0", "id:ovindex:chunk::zeta#1",
        ])
        let fields = try #require(vespa[2]["fields"] as? [String: Any])
        #expect(((fields["embedding"] as? [String: Any])?["values"] as? [Double])?.map { Float($0) } == [0.5, 0.5, 0.5, 0.1])

        let folder = directory.file("npy")
        #expect(try runOvindex(["export", path, "--format", "npy", "--output", folder]).status == 0)
        let vectorFile = try Data(contentsOf: URL(fileURLWithPath: folder + "/vector.npy"))
        let idFile = try Data(contentsOf: URL(fileURLWithPath: folder + "/id.npy"))
        let vectorHeader = String(decoding: vectorFile[10..<128], as: UTF8.self)
        #expect(vectorHeader.contains("'descr': '<f4'") && vectorHeader.contains("'shape': (3, 4)"))
        #expect(String(decoding: idFile[10..<128], as: UTF8.self).contains("'shape': (3,)"))
        #expect(vectorFile.count == 128 + 3 * 4 * 4 && idFile.count == 128 + 3 * 8)
        let lastVector = (0..<4).map { index in
            vectorFile.withUnsafeBytes { Float(bitPattern: $0.loadUnaligned(fromByteOffset: 128 + (8 + index) * 4, as: UInt32.self)) }
        }
        #expect(lastVector == [0.5, 0.5, 0.5, 0.1])
        let storedIDs = (0..<3).map { row in idFile.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 128 + row * 8, as: Int64.self) } }
        #expect(storedIDs == ids)
        let rowLines = try String(contentsOfFile: folder + "/rows.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rowLines.count == 3)
        #expect(try runOvindex(["export", path, "--format", "npy"]).status == 64)
    }

    @Test func exportOfAFileThatIsNotAStoreFails() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("x.sqlite", "hello")
        let result = try runOvindex(["export", path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("is not an SQLite database"))
        let missing = try runOvindex(["export", directory.file("missing.sqlite")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no store at this path"))
    }

    @Test func storeInfoAndVacuumReportTheStore() throws {
        let directory = try TemporaryDirectory()
        let path = try makeStore(directory)
        let info = try runOvindex(["store", "info", path])
        #expect(info.status == 0)
        #expect(info.stdout.contains("documents  2 indexed, 0 rejected"))
        #expect(info.stdout.contains("chunks     3 (3 vectors)"))
        #expect(info.stdout.contains("model      test/model (4-d"))
        #expect(info.stdout.contains("last run   #1 completed"))
        #expect(info.stdout.contains("settings   none yet"), "\(info.stdout)")
        let vacuum = try runOvindex(["store", "vacuum", path])
        #expect(vacuum.status == 0)
        #expect(vacuum.stdout.hasPrefix("vacuumed \(path)"))
        #expect(try runOvindex(["store", "shrink", path]).status == 64)
    }

    @Test func statusSaysNotReadyWhenTheStoreWasBuiltWithAnotherModel() throws {
        let directory = try TemporaryDirectory()
        let path = try makeStore(directory)
        let result = try runOvindex(["status", "--store", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("match      NO: this model differs"))
        #expect(result.stdout.contains("status     NOT READY"))
    }

    @Test func statusOfTheDefaultModelAloneIsReadyAndRunsIt() throws {
        let result = try runOvindex(["status"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("weights    sha256 matches the manifest"))
        #expect(result.stdout.contains("inference  loaded, and embedded a short and a 256-token text"))
        #expect(result.stdout.contains("status     ready"))
        let quick = try runOvindex(["status", "--no-load"])
        #expect(quick.status == 0)
        #expect(!quick.stdout.contains("inference"))
        let missing = try runOvindex(["status", "--model", "/nonexistent/model", "--store", "/nonexistent/s.sqlite"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("model      NOT READY"))
        #expect(missing.stdout.contains("store      NOT READY"))
    }
}
