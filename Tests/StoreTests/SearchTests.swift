import Foundation
@testable import Store
import Synthetic
import TestSupport
import StoreFixtures
import Testing
import TextIO

@Suite struct SearchTests {
    /// 60 documents of 5 chunks with random unit vectors; even documents are "team a", under docs/even/.
    func populated(_ directory: TemporaryDirectory) throws -> Store {
        let store = try makeStore(directory)
        var documents: [DocumentInput] = []
        for index in 0..<60 {
            let even = index % 2 == 0
            let texts: [String] = (0..<5).map { "chunk \($0) of document \(index) word\(index % 7)" }
            let metadata: [String: JSONValue] = [
                "team": .string(even ? "a" : "b"), "year": .number(String(2000 + index % 3)),
            ]
            documents.append(
                document(
                    "d\(index)", chunks: texts, source: even ? "docs/even/\(index).md" : "docs/odd*[x]/\(index).md",
                    metadata: metadata, seed: UInt64(index)))
        }
        try store.write(documents: documents)
        return store
    }

    @Test func int8CandidatesWithExactRescoringAgreeWithTheExactScan() throws {
        let directory = try TemporaryDirectory()
        let store = try populated(directory)
        let index = try store.loadVectorIndex()
        #expect(index.count == 300)
        var generator = SplitMix64(seed: 99)
        for _ in 0..<20 {
            let query = generator.unitVector(8)
            let fast = try store.search(query, k: 10, candidates: 50, index: index)
            let exact = try store.exactSearch(query, k: 10)
            #expect(fast.map(\.chunkID) == exact.map(\.chunkID))
            for (a, b) in zip(fast, exact) { #expect(abs(a.score - b.score) < 1e-5) }
            #expect(fast.map(\.score) == fast.map(\.score).sorted(by: >))
        }
    }

    @Test func resultsCarryChunkDocumentScoreAndText() throws {
        let directory = try TemporaryDirectory()
        let store = try populated(directory)
        // A chunk's own vector finds that chunk first, with cosine 1.
        let target = try store.connection.prepare(
            "SELECT v.embedding FROM vectors v JOIN chunks c ON c.id = v.chunk_id WHERE c.key = 'd7#3'")
        #expect(try target.step())
        let hit = try #require(try store.search(target.floats(at: 0), k: 1, index: store.loadVectorIndex()).first)
        #expect(hit.documentKey == "d7")
        #expect(hit.ordinal == 3)
        #expect(hit.source == "docs/odd*[x]/7.md")
        #expect(hit.text == "chunk 3 of document 7 word0")
        #expect(abs(hit.score - 1) < 1e-5)
        #expect(hit.metadata.contains("\"team\":\"b\""))
    }

    @Test func filtersApplyDuringTheScanNotAfterIt() throws {
        let directory = try TemporaryDirectory()
        let store = try populated(directory)
        let index = try store.loadVectorIndex()
        var generator = SplitMix64(seed: 5)
        let query = generator.unitVector(8)
        let teamA = try store.search(
            query, k: 25, candidates: 25, filter: SearchFilter(metadata: ["team": "a"]), index: index)
        // Filtering after the scan would leave about half; filtering during it fills all 25 from team a.
        #expect(teamA.count == 25)
        #expect(teamA.allSatisfy { $0.metadata.contains("\"team\":\"a\"") })
        #expect(
            teamA.map(\.chunkID)
                == (try store.exactSearch(query, k: 25, filter: SearchFilter(metadata: ["team": "a"]))).map(\.chunkID))

        let both = try store.search(
            query, k: 100, filter: SearchFilter(metadata: ["team": "a", "year": "2000"]), index: index)
        #expect(!both.isEmpty)
        #expect(both.allSatisfy { $0.metadata.contains("\"year\":2000") && $0.metadata.contains("\"team\":\"a\"") })

        // Source prefixes are literal, even with glob characters in them.
        let odd = try store.search(query, k: 500, filter: SearchFilter(sourcePrefix: "docs/odd*[x]/"), index: index)
        #expect(odd.count == 150)
        #expect(
            try store.search(query, k: 10, filter: SearchFilter(sourcePrefix: "docs/odd"), index: index).count == 10)
        #expect(try store.search(query, k: 10, filter: SearchFilter(sourcePrefix: "docs/o?d"), index: index).isEmpty)
        #expect(try store.search(query, k: 10, filter: SearchFilter(metadata: ["team": "z"]), index: index).isEmpty)
    }

    @Test func keywordSearchRanksByBM25AndHonoursFilters() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [
            document("a", chunks: ["the nightly job embeds new documents", "nothing to see"], source: "x/a"),
            document("b", chunks: ["nightly nightly nightly backfill"], source: "y/b"),
            document("c", chunks: ["unrelated text about cooking"], source: "x/c"),
        ])
        let hits = try store.keywordSearch("Nightly backfill?", k: 10)
        #expect(hits.map(\.documentKey) == ["b", "a"])
        #expect(hits[0].score > hits[1].score)
        #expect(
            try store.keywordSearch("nightly", k: 10, filter: SearchFilter(sourcePrefix: "x/")).map(\.documentKey) == [
                "a"
            ])
        // FTS5 syntax in user text is taken as words, never as operators.
        #expect(try store.keywordSearch("\"cooking\" AND NEAR(x) -", k: 10).map(\.documentKey) == ["c"])
        #expect(try store.keywordSearch("?!", k: 10).isEmpty)
    }

    @Test func int8CodesApproximateTheVectors() {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<100 {
            let vector = generator.unitVector(384)
            let (scale, code) = Int8Quantizer.encode(vector)
            let decoded = Int8Quantizer.decode(scale: scale, code: code)
            for (a, b) in zip(vector, decoded) { #expect(abs(a - b) <= scale / 2 + 1e-7) }
        }
        #expect(Int8Quantizer.encode([0, 0]).code == [0, 0])
    }

    @Test func exportStreamsEveryChunkInDocumentThenChunkOrderWithoutSorting() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        try store.write(documents: [document("b", chunks: ["b0", "b1"]), document("a", chunks: ["a0", "a1", "a2"])])
        try store.write(documents: [document("c", chunks: ["c0"], metadata: ["k": .string("v")])])
        var rows: [String] = []
        try store.forEachChunk { row in
            rows.append("\(row.documentKey)#\(row.ordinal):\(row.text)")
            #expect(row.vector.count == 8)
        }
        #expect(rows == ["a#0:a0", "a#1:a1", "a#2:a2", "b#0:b0", "b#1:b1", "c#0:c0"])
        // Walked through indexes, never sorted in a temporary b-tree: memory stays flat at any size.
        let plan = try store.queryPlan(Store.exportSQL)
        #expect(!plan.joined().contains("TEMP B-TREE"), "\(plan)")
    }
}
