import Foundation
import SQLite
@testable import Store
import TestSupport
import StoreFixtures
import Testing

/// A reader process queries while a writer process replaces every document: WAL lets both run, and each read
/// sees every document whole, in its old or its new version.
@Suite struct ConcurrentAccessTests {
    static var bench: URL {
        ProjectPaths.executable.deletingLastPathComponent().appendingPathComponent("ovindex-bench")
    }

    @Test func aReaderSeesWholeDocumentsWhileAnotherProcessWrites() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("shared.sqlite")
        let fill = try run(Self.bench, ["store-fill", path, "4000", "10", "1"])
        #expect(fill.status == 0, "\(fill.stderr)")

        let writer = Process()
        writer.executableURL = Self.bench
        writer.arguments = ["store-fill", path, "4000", "10", "2"]  // every document gets a new version
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()

        let reader = try Store(path: path, mode: .readOnly)
        var snapshots = 0
        var mixed = 0
        repeat {
            try reader.connection.execute("BEGIN")
            let torn = try reader.connection.scalarInt(
                """
                SELECT count(*) FROM documents d
                WHERE d.chunk_count != (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)
                   OR d.chunk_count != (SELECT count(*) FROM chunks c JOIN vectors v ON v.chunk_id = c.id
                                        JOIN vector_codes q ON q.chunk_id = c.id WHERE c.document_id = d.id)
                """)
            let versions = try reader.connection.scalarInt(
                "SELECT count(DISTINCT json_extract(metadata, '$.version')) FROM documents")
            let chunkTexts = try reader.connection.scalarInt(
                """
                SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id
                WHERE c.text NOT LIKE '%version ' || json_extract(d.metadata, '$.version') || ' %'
                """)
            try reader.connection.execute("COMMIT")
            #expect(torn == 0)
            #expect(chunkTexts == 0)
            if versions == 2 { mixed += 1 }
            snapshots += 1
            let hits = try reader.keywordSearch("topic", k: 3)
            #expect(hits.count == 3)
        } while writer.isRunning
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        // The reader really ran during the write: it saw both versions side by side.
        #expect(mixed > 0, "\(snapshots) snapshots, none during the write")
        let after = try reader.connection.scalarInt("SELECT count(*) FROM chunks")
        #expect(after == Int64(400 * 11))
    }
}
