import Export
import Foundation
import Store
import StoreFixtures
import TestSupport
import Testing
import TextIO

@Suite struct ChunkExportTests {
    /// A store of two documents, one with metadata, three chunks in all.
    static func store(in directory: TemporaryDirectory) throws -> Store {
        let store = try makeStore(directory)
        _ = try store.write(documents: [
            document("a", chunks: ["alpha one", "alpha two"], metadata: ["lang": .string("en")]),
            document("b", chunks: ["beta"]),
        ])
        return store
    }

    static func export(_ store: Store, _ format: ExportFormat) throws -> String {
        var bytes: [UInt8] = []
        try ChunkExport.stream(store, format: format) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func everyLineFormatIsJSONWithEveryChunkOnce() throws {
        let directory = try TemporaryDirectory()
        let store = try Self.store(in: directory)
        for format in [ExportFormat.jsonl, .qdrant, .vespa] {
            let lines = try Self.export(store, format).split(separator: "\n")
            #expect(lines.count == 3, "\(format)")
            for line in lines {
                let value = try JSONParser.parse(String(line))
                #expect(value["id"] != nil || value["put"] != nil, "\(format): \(line)")
            }
        }
        let first = try JSONParser.parse(String(try Self.export(store, .jsonl).split(separator: "\n")[0]))
        #expect(first["document"] == .string("a"))
        #expect(first["chunk"] == .number("0"))
        #expect(first["metadata"] == .object(["lang": .string("en")]))
        #expect(first["id"] == .number(String(ChunkExport.chunkID(documentKey: "a", ordinal: 0))))
        guard case .array(let vector)? = first["vector"] else {
            Issue.record("no vector")
            return
        }
        #expect(vector.count == 8)
    }

    @Test func milvusIsOneJSONDocumentOfRows() throws {
        let directory = try TemporaryDirectory()
        let text = try Self.export(try Self.store(in: directory), .milvus)
        guard case .array(let rows)? = try JSONParser.parse(text)["rows"] else {
            Issue.record("no rows in \(text)")
            return
        }
        #expect(rows.count == 3)
        #expect(rows.map { $0["document"]?.stringValue } == ["a", "a", "b"])
    }

    @Test func chunkIDsAreStablePositiveAndDistinct() {
        let ids = (0..<100).map { ChunkExport.chunkID(documentKey: "doc", ordinal: $0) }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { $0 > 0 })
        #expect(ChunkExport.chunkID(documentKey: "doc", ordinal: 3) == ids[3])
    }

    @Test func numPyFilesHoldEveryRowInOrder() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.file("npy")
        try ChunkExport.writeNumPy(try Self.store(in: directory), folder: folder)
        let vectors = try Data(contentsOf: URL(fileURLWithPath: folder + "/vector.npy"))
        #expect(vectors.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
        let header = String(decoding: vectors.prefix(128), as: UTF8.self)
        #expect(header.contains("'descr': '<f4'") && header.contains("'shape': (3, 8)"))
        let ids = try Data(contentsOf: URL(fileURLWithPath: folder + "/id.npy"))
        #expect(String(decoding: ids.prefix(128), as: UTF8.self).contains("'descr': '<i8'"))
        let rows = try String(contentsOfFile: folder + "/rows.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 3)
    }
}
